import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ChannelConfig } from '@/lib/alerts/channels';
import type { ChannelKind, InstanceState, Rule, RuleKind, Severity } from '@/lib/alerts/engine/types';
import { projects } from './projects';

/**
 * Alerting tables. Every tenant table leads its primary and unique keys with project_id, so they can be
 * distributed by project (Citus). Rules are stored whole as the engine's Rule in `definition`; the
 * columns beside it (key, kind, severity, enabled) are copies for listing and filtering.
 */
export const alertRules = pgTable(
  'alert_rules',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    /** A default rule's stable key, or a custom rule's own. */
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind').$type<RuleKind>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    definition: jsonb('definition').$type<Rule>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex('alert_rules_project_key_key').on(t.projectId, t.key),
    // The cron reads every enabled rule of every project.
    index('alert_rules_enabled_idx')
      .on(t.projectId)
      .where(sql`enabled`),
  ],
);

/** Current state of one rule for one group ('' when ungrouped). */
export const alertInstances = pgTable(
  'alert_instances',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id').notNull(),
    groupKey: text('group_key').notNull().default(''),
    state: text('state').$type<InstanceState>().notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold'),
    lastEvaluatedAt: timestamp('last_evaluated_at', { withTimezone: true }).notNull(),
    /** The last evaluation that had data (breaching or ok): a firing alert without data for a day resolves. */
    dataAt: timestamp('data_at', { withTimezone: true }),
    lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.ruleId, t.groupKey] }),
    // Firing / pending alerts of a project for the UI and repeat notifications.
    index('alert_instances_project_state_idx').on(t.projectId, t.state),
  ],
);

/** Every state change; the unique key makes a repeated cron run unable to record one twice. */
export const alertTransitions = pgTable(
  'alert_transitions',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    ruleId: uuid('rule_id').notNull(),
    groupKey: text('group_key').notNull().default(''),
    fromState: text('from_state').$type<InstanceState>().notNull(),
    toState: text('to_state').$type<InstanceState>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold'),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex('alert_transitions_once_key').on(t.projectId, t.ruleId, t.groupKey, t.toState, t.at),
    // History of a project (newest first) and of one rule.
    index('alert_transitions_project_at_idx').on(t.projectId, t.at),
  ],
);

export const DELIVERY_KINDS = ['firing', 'resolved', 'repeat', 'digest'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One row per transition per channel; `attempt` counts tries, retried with backoff until sent. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    /** The transition notified; null for a daily digest. */
    transitionId: bigint('transition_id', { mode: 'number' }),
    /** firing / resolved (from the transition), repeat (a firing alert still firing), digest (daily). */
    kind: text('kind').$type<DeliveryKind>().notNull().default('firing'),
    /** 0 for the transition itself; n for the n-th repeat of a firing alert (n repeat intervals after it fired). */
    seq: integer('seq').notNull().default(0),
    /** The UTC day a digest covers (YYYY-MM-DD). */
    digestDay: text('digest_day'),
    channel: text('channel').notNull(),
    attempt: integer('attempt').notNull().default(0),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    lastError: text('last_error'),
    responseStatus: smallint('response_status'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex('notification_deliveries_once_key').on(t.projectId, t.transitionId, t.channel, t.seq),
    uniqueIndex('notification_deliveries_digest_once_key')
      .on(t.projectId, t.digestDay, t.channel)
      .where(sql`digest_day is not null`),
    // The cron's retry scan: deliveries still due.
    index('notification_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status <> 'sent'`),
  ],
);

/** Time-bounded mute: rule_id null = every rule of the project; group_key null = every group. */
export const silences = pgTable(
  'silences',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    ruleId: uuid('rule_id'),
    groupKey: text('group_key'),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by'),
    reason: text('reason').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index('silences_project_ends_at_idx').on(t.projectId, t.endsAt),
  ],
);

/**
 * Channels configured in the settings UI, per project. Env channels (ALERT_WEBHOOK_URL, ...) apply to every
 * project besides these. `config` holds what `deliver` needs (URLs, routing key, SMTP URL): secrets, never
 * shown back in full. Deliveries name a channel as `db:<id>`.
 */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    type: text('type').$type<ChannelKind>().notNull(),
    config: jsonb('config').$type<ChannelConfig>().notNull(),
    severities: jsonb('severities').$type<Severity[]>().notNull(),
    sendResolved: boolean('send_resolved').notNull().default(true),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] })],
);

/**
 * Installation alerts: a health rule watches a dependency every project shares (the database, KV, Claude,
 * Clerk), so its firing reaches the installation's channels (the environment's) once, from the project that
 * claimed it first, not once per project. One row per alert (rule key, dependency) and installation channel
 * while it fires; the owner's resolve deletes it, and an owner that stopped firing or being evaluated is taken
 * over. Installation-wide, so no project_id in the key (a reference table under Citus).
 */
export const sharedAlerts = pgTable(
  'shared_alerts',
  {
    ruleKey: text('rule_key').notNull(),
    groupKey: text('group_key').notNull().default(''),
    channel: text('channel').notNull(),
    projectId: uuid('project_id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleKey, t.groupKey, t.channel] })],
);

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertInstanceRow = typeof alertInstances.$inferSelect;
export type AlertTransitionRow = typeof alertTransitions.$inferSelect;
export type NotificationDeliveryRow = typeof notificationDeliveries.$inferSelect;
export type SilenceRow = typeof silences.$inferSelect;
export type NotificationChannelRow = typeof notificationChannels.$inferSelect;
export type SharedAlertRow = typeof sharedAlerts.$inferSelect;
