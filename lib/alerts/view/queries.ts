import 'server-only';
import { and, asc, desc, eq, gt, gte, inArray, or, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  alertInstances,
  alertRules,
  alertTransitions,
  notificationChannels,
  notificationDeliveries,
  silences,
  type AlertInstanceRow,
  type DeliveryKind,
  type DeliveryStatus,
} from '@/db/schema';
import { channelsFromEnv } from '../channels/configured';
import type { InstanceState, Rule, Severity } from '../engine/types';
import { loadMetricSeries, type MetricSeries } from '../inputs/metric-series';
import { getRule, listRules } from '../rules/queries';
import { toStoredRule, type StoredRule } from '../rules/stored';
import { alertChartWindow, type ChartWindow } from './chart-range';
import { silencedUntil } from '../engine/silence';

/** Reads of the alerts page. Every read filters on the project; any dashboard user may see any project. */

const DAY_MS = 86_400_000;
export const RECENT_DAYS = 7;
export const RECENT_LIMIT = 100;
export const DETAIL_TRANSITIONS_LIMIT = 100;

const ruleJoin = and(
  eq(alertRules.projectId, alertInstances.projectId),
  eq(alertRules.id, alertInstances.ruleId),
);

export type ActiveAlert = Pick<
  AlertInstanceRow,
  | 'ruleId'
  | 'groupKey'
  | 'since'
  | 'value'
  | 'threshold'
  | 'lastEvaluatedAt'
  | 'lastNotifiedAt'
  | 'acknowledgedAt'
  | 'acknowledgedBy'
> & { state: 'firing' | 'pending'; rule: StoredRule };

/** Firing then pending alerts, most severe first, newest first within a severity. */
export async function listActiveAlerts(projectId: string): Promise<ActiveAlert[]> {
  const db = await getDb();
  const rows = await db
    .select({ instance: alertInstances, rule: alertRules })
    .from(alertInstances)
    .innerJoin(alertRules, ruleJoin)
    .where(and(eq(alertInstances.projectId, projectId), inArray(alertInstances.state, ['firing', 'pending'])))
    .orderBy(
      sql`case when ${alertInstances.state} = 'firing' then 0 else 1 end`,
      asc(alertRules.severity),
      desc(alertInstances.since),
      asc(alertRules.name),
      asc(alertInstances.groupKey),
    );
  return rows.map(({ instance, rule }) => ({
    ruleId: instance.ruleId,
    groupKey: instance.groupKey,
    state: instance.state as 'firing' | 'pending',
    since: instance.since,
    value: instance.value,
    threshold: instance.threshold,
    lastEvaluatedAt: instance.lastEvaluatedAt,
    lastNotifiedAt: instance.lastNotifiedAt,
    acknowledgedAt: instance.acknowledgedAt,
    acknowledgedBy: instance.acknowledgedBy,
    rule: toStoredRule(rule),
  }));
}

export type TransitionView = {
  id: number;
  ruleId: string;
  groupKey: string;
  fromState: InstanceState;
  toState: InstanceState;
  at: Date;
  value: number | null;
  threshold: number | null;
  /** Null when the rule has been deleted since. */
  rule: { name: string; severity: Severity; definition: Rule } | null;
};

/**
 * Transitions of the last 7 days that concern an alert (into pending, firing or resolved, or out of
 * pending), newest first. ok <-> no_data churn of quiet rules is left out.
 */
export async function listRecentTransitions(
  projectId: string,
  now: Date = new Date(),
  limit = RECENT_LIMIT,
): Promise<TransitionView[]> {
  const db = await getDb();
  const rows = await db
    .select({
      t: alertTransitions,
      name: alertRules.name,
      severity: alertRules.severity,
      definition: alertRules.definition,
    })
    .from(alertTransitions)
    .leftJoin(
      alertRules,
      and(eq(alertRules.projectId, alertTransitions.projectId), eq(alertRules.id, alertTransitions.ruleId)),
    )
    .where(
      and(
        eq(alertTransitions.projectId, projectId),
        gte(alertTransitions.at, new Date(now.getTime() - RECENT_DAYS * DAY_MS)),
        or(
          inArray(alertTransitions.toState, ['pending', 'firing', 'resolved']),
          eq(alertTransitions.fromState, 'pending'),
        ),
      ),
    )
    .orderBy(desc(alertTransitions.at), desc(alertTransitions.id))
    .limit(limit);
  return rows.map(({ t, name, severity, definition }) => ({
    id: t.id,
    ruleId: t.ruleId,
    groupKey: t.groupKey,
    fromState: t.fromState,
    toState: t.toState,
    at: t.at,
    value: t.value,
    threshold: t.threshold,
    rule:
      name !== null && severity !== null && definition !== null
        ? { name, severity, definition: { ...definition, name, severity } }
        : null,
  }));
}

export type DeliveryView = {
  id: number;
  transitionId: number;
  kind: DeliveryKind;
  seq: number;
  channel: string;
  channelName: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
};

export type AlertDetail = {
  rule: StoredRule;
  instance: AlertInstanceRow | null;
  /** Newest first. */
  transitions: (Omit<TransitionView, 'rule'> & { deliveries: DeliveryView[] })[];
};

/** One rule + group: the rule, its instance, its transitions and each transition's deliveries. Null: no such rule. */
export async function getAlertDetail(
  projectId: string,
  ruleId: string,
  groupKey: string,
): Promise<AlertDetail | null> {
  const rule = await getRule(projectId, ruleId);
  if (!rule) return null;
  const db = await getDb();
  const [[instance], transitions] = await Promise.all([
    db
      .select()
      .from(alertInstances)
      .where(
        and(
          eq(alertInstances.projectId, projectId),
          eq(alertInstances.ruleId, ruleId),
          eq(alertInstances.groupKey, groupKey),
        ),
      ),
    db
      .select()
      .from(alertTransitions)
      .where(
        and(
          eq(alertTransitions.projectId, projectId),
          eq(alertTransitions.ruleId, ruleId),
          eq(alertTransitions.groupKey, groupKey),
        ),
      )
      .orderBy(desc(alertTransitions.at), desc(alertTransitions.id))
      .limit(DETAIL_TRANSITIONS_LIMIT),
  ]);
  const deliveries = await listDeliveries(
    projectId,
    transitions.map((t) => t.id),
  );
  return {
    rule,
    instance: instance ?? null,
    transitions: transitions.map((t) => ({
      id: t.id,
      ruleId: t.ruleId,
      groupKey: t.groupKey,
      fromState: t.fromState,
      toState: t.toState,
      at: t.at,
      value: t.value,
      threshold: t.threshold,
      deliveries: deliveries.filter((d) => d.transitionId === t.id),
    })),
  };
}

/** Deliveries of some transitions, with each channel's name: settings channels by row, env channels by id. */
async function listDeliveries(projectId: string, transitionIds: number[]): Promise<DeliveryView[]> {
  if (transitionIds.length === 0) return [];
  const db = await getDb();
  const rows = await db
    .select({ d: notificationDeliveries, name: notificationChannels.name })
    .from(notificationDeliveries)
    .leftJoin(
      notificationChannels,
      and(
        eq(notificationChannels.projectId, notificationDeliveries.projectId),
        sql`${notificationDeliveries.channel} = 'db:' || ${notificationChannels.id}::text`,
      ),
    )
    .where(
      and(
        eq(notificationDeliveries.projectId, projectId),
        inArray(notificationDeliveries.transitionId, transitionIds),
      ),
    )
    .orderBy(
      asc(notificationDeliveries.transitionId),
      asc(notificationDeliveries.seq),
      asc(notificationDeliveries.id),
    );
  const envNames = new Map(channelsFromEnv().map((c) => [c.id, c.name]));
  return rows.map(({ d, name }) => ({
    id: d.id,
    transitionId: d.transitionId!,
    kind: d.kind,
    seq: d.seq,
    channel: d.channel,
    channelName:
      name ??
      envNames.get(d.channel) ??
      (d.channel.startsWith('db:') ? `deleted channel (${d.channel})` : d.channel),
    attempt: d.attempt,
    status: d.status,
    responseStatus: d.responseStatus,
    lastError: d.lastError,
    createdAt: d.createdAt,
    sentAt: d.sentAt,
    nextAttemptAt: d.nextAttemptAt,
  }));
}

export type SilenceView = {
  id: string;
  ruleId: string | null;
  ruleName: string | null;
  groupKey: string | null;
  endsAt: Date;
  createdAt: Date;
  createdBy: string | null;
  reason: string;
};

/** Silences still in force, ending soonest first. */
export async function listActiveSilences(projectId: string, now: Date = new Date()): Promise<SilenceView[]> {
  const db = await getDb();
  const rows = await db
    .select({ s: silences, ruleName: alertRules.name })
    .from(silences)
    .leftJoin(
      alertRules,
      and(eq(alertRules.projectId, silences.projectId), eq(alertRules.id, silences.ruleId)),
    )
    .where(and(eq(silences.projectId, projectId), gt(silences.endsAt, now)))
    .orderBy(asc(silences.endsAt), asc(silences.createdAt));
  return rows.map(({ s, ruleName }) => ({
    id: s.id,
    ruleId: s.ruleId,
    ruleName,
    groupKey: s.groupKey,
    endsAt: s.endsAt,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
    reason: s.reason,
  }));
}

/** A rule as the silence form lists it: no more of the rule than the form shows goes to the client. */
export type RuleOption = Pick<StoredRule, 'id' | 'name' | 'severity' | 'enabled'>;

export type AlertState = {
  state: InstanceState;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  /** Null when the rule has been deleted since. */
  ruleName: string | null;
};

/** Where one alert (rule + group) stands, for the answer to an acknowledgement; null: no such alert. */
export async function getAlertState(
  projectId: string,
  ruleId: string,
  groupKey: string,
): Promise<AlertState | null> {
  const db = await getDb();
  const [current] = await db
    .select({
      state: alertInstances.state,
      acknowledgedAt: alertInstances.acknowledgedAt,
      acknowledgedBy: alertInstances.acknowledgedBy,
      ruleName: alertRules.name,
    })
    .from(alertInstances)
    .leftJoin(alertRules, ruleJoin)
    .where(
      and(
        eq(alertInstances.projectId, projectId),
        eq(alertInstances.ruleId, ruleId),
        eq(alertInstances.groupKey, groupKey),
      ),
    );
  return current ?? null;
}

// ---- what the alerts page loads ----

export type AlertsOverview = {
  alerts: (ActiveAlert & { silencedUntil: Date | null })[];
  transitions: TransitionView[];
  silences: SilenceView[];
  rules: RuleOption[];
};

/** The alerts page without a selected alert: active alerts (with their silence), history, silences, rules. */
export async function loadAlertsOverview(projectId: string, now: Date): Promise<AlertsOverview> {
  const [active, transitions, silences, rules] = await Promise.all([
    listActiveAlerts(projectId),
    listRecentTransitions(projectId, now),
    listActiveSilences(projectId, now),
    listRules(projectId),
  ]);
  const alerts = active.map((a) => ({
    ...a,
    silencedUntil: silencedUntil(silences, a.ruleId, a.groupKey, now),
  }));
  return {
    alerts,
    transitions,
    silences,
    rules: rules.map(({ id, name, severity, enabled }) => ({ id, name, severity, enabled })),
  };
}

export type AlertDetailView = {
  detail: AlertDetail;
  groupKey: string;
  window: ChartWindow;
  series: MetricSeries;
  silencedUntil: Date | null;
};

/** One alert's detail with its chart series; null when the project has no such rule. */
export async function loadAlertDetailView(
  projectId: string,
  ruleId: string,
  groupKey: string,
  now: Date,
): Promise<AlertDetailView | null> {
  const detail = await getAlertDetail(projectId, ruleId, groupKey);
  if (!detail) return null;
  const window = alertChartWindow(detail.transitions, now);
  const [series, silences] = await Promise.all([
    loadMetricSeries(projectId, detail.rule, groupKey, window.from, window.to),
    listActiveSilences(projectId, now),
  ]);
  return { detail, groupKey, window, series, silencedUntil: silencedUntil(silences, ruleId, groupKey, now) };
}
