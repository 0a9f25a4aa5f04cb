import 'server-only';
import { sql } from 'drizzle-orm';
import { rawRows, type Db } from '@/db/client';
import { isInstallationChannel, type ConfiguredChannel } from '../channels/configured';
import type { Rule } from '../engine/types';

/**
 * Installation alerts. A health rule watches a dependency every project shares, so when it breaks every
 * project's rule fires at once. The installation's channels (the environment's) hear of it once: the first
 * project to notify claims the alert for each such channel (table `shared_alerts`), and only the owner queues
 * its firing, repeats and resolved notification there. A project's own channels (settings) still hear of its
 * own alert, and every project's Alerts page shows it.
 */

/** An owner that has not been evaluated for this long (sharded away, deleted, its rule gone) is taken over. */
export const SHARED_OWNER_STALE_MS = 5 * 60_000;

/** Whether a rule's alerts are the installation's rather than one project's. */
export const isSharedRule = (rule: Pick<Rule, 'kind'>): boolean => rule.kind === 'health';

type SharedAlert = { projectId: string; ruleId: string; ruleKey: string; groupKey: string };

/**
 * The channels of `targets` this project may notify of its firing alert: its own, and each installation
 * channel it now owns the alert on (claimed free, or taken over from an owner whose alert is no longer
 * firing or no longer evaluated). Runs inside the project's store transaction.
 */
export async function claimShared<C extends ConfiguredChannel>(
  db: Pick<Db, 'execute'>,
  alert: SharedAlert,
  targets: C[],
  now: Date,
): Promise<C[]> {
  const installation = targets.filter((c) => isInstallationChannel(c.id));
  if (installation.length === 0) return targets;
  const { projectId, ruleId, ruleKey, groupKey } = alert;
  const freshFrom = new Date(now.getTime() - SHARED_OWNER_STALE_MS).toISOString();
  const freshTo = new Date(now.getTime() + SHARED_OWNER_STALE_MS).toISOString();
  const channels = sql.join(
    installation.map((c) => sql`(${c.id})`),
    sql`, `,
  );
  const claimed = await rawRows<{ channel: string }>(
    db,
    sql`insert into shared_alerts (rule_key, group_key, channel, project_id, rule_id, since)
        select ${ruleKey}, ${groupKey}, v.channel, ${projectId}::uuid, ${ruleId}::uuid, ${now.toISOString()}::timestamptz
        from (values ${channels}) as v(channel)
        on conflict (rule_key, group_key, channel) do update
          set project_id = excluded.project_id, rule_id = excluded.rule_id, since = excluded.since
          where (shared_alerts.project_id = excluded.project_id and shared_alerts.rule_id = excluded.rule_id)
            or not exists (
              select 1 from alert_instances i
              where i.project_id = shared_alerts.project_id and i.rule_id = shared_alerts.rule_id
                and i.group_key = shared_alerts.group_key and i.state = 'firing'
                and i.last_evaluated_at between ${freshFrom}::timestamptz and ${freshTo}::timestamptz)
        returning channel`,
  );
  const owned = new Set(claimed.map((r) => r.channel));
  return targets.filter((c) => !isInstallationChannel(c.id) || owned.has(c.id));
}

/** The project's alert resolved: it no longer holds the installation's channels. */
export async function releaseShared(db: Pick<Db, 'execute'>, alert: SharedAlert): Promise<void> {
  await db.execute(
    sql`delete from shared_alerts where rule_key = ${alert.ruleKey} and group_key = ${alert.groupKey}
          and project_id = ${alert.projectId}::uuid and rule_id = ${alert.ruleId}::uuid`,
  );
}

/** Each installation alert's owner, by rule key, group and channel. */
export type SharedOwners = Map<string, { projectId: string; ruleId: string }>;

const sharedKey = (ruleKey: string, groupKey: string, channel: string) =>
  `${ruleKey}\u0000${groupKey}\u0000${channel}`;

/** The installation alerts' owners, in one statement (the table holds a row per firing alert and channel). */
export async function listSharedOwners(db: Pick<Db, 'execute'>): Promise<SharedOwners> {
  const rows = await rawRows<{
    rule_key: string;
    group_key: string;
    channel: string;
    project_id: string;
    rule_id: string;
  }>(db, sql`select rule_key, group_key, channel, project_id, rule_id from shared_alerts`);
  return new Map(
    rows.map((r) => [
      sharedKey(r.rule_key, r.group_key, r.channel),
      { projectId: r.project_id, ruleId: r.rule_id },
    ]),
  );
}

/** Whether another project's alert holds this installation channel. */
export function ownedByOther(owners: SharedOwners, alert: SharedAlert, channel: string): boolean {
  const owner = owners.get(sharedKey(alert.ruleKey, alert.groupKey, channel));
  return owner !== undefined && (owner.projectId !== alert.projectId || owner.ruleId !== alert.ruleId);
}
