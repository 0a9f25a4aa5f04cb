import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { describeError } from '@/db/errors';
import { alertInstances, alertTransitions } from '@/db/schema';
import type { ConfiguredChannel } from '../channels/configured';
import { evaluateRule } from '../engine/evaluate';
import { channelsFor } from '../engine/routing';
import { isNotifiable, nextInstanceState, type Transition } from '../engine/state-machine';
import type { Rule, Verdict } from '../engine/types';
import { queueDeliveries, type DeliveryToQueue } from './queue';
import { loadRuleInput } from '../inputs/inputs';
import { primeTailBounds } from '@/lib/metrics/rollups/read';
import { instanceKey, isSilenced } from '../engine/silence';
import { inRun, projectChannels, type RunContext } from './context';
import { getRulesByIds } from '../rules/queries';
import type { StoredRule } from '../rules/stored';
import { channelsToldOfFiring, listProjectInstances } from './queries';
import { claimShared, isSharedRule, releaseShared } from './shared';

/** Rule inputs loaded at once across the run (each is one SQL statement). */
const INPUT_CONCURRENCY = 4;

export type EvaluateSummary = { rulesEvaluated: number; rulesFailed: number; transitions: number };

type Outcome = { rule: StoredRule; verdicts: Verdict[] } | { rule: StoredRule; error: unknown };

/**
 * Evaluates every enabled rule of every project: loads each rule's input (a few at a time), then per project
 * stores every instance's state in one statement, records the transitions in one statement (a transition a
 * concurrent run already recorded comes back empty and is not notified twice) and queues their deliveries.
 */
export async function evaluateAll(
  ctx: RunContext,
  log: (event: string, fields: Record<string, unknown>) => void,
): Promise<EvaluateSummary> {
  const summary: EvaluateSummary = { rulesEvaluated: 0, rulesFailed: 0, transitions: 0 };
  const rules = [...ctx.rulesByProject.values()].flat();
  // One scope per project for the whole run, and all their tail bounds found in one statement.
  const scopes = new Map([...ctx.rulesByProject.keys()].map((projectId) => [projectId, { projectId }]));
  // If that fails, each scope looks for its own on its first read.
  await primeTailBounds([...scopes.values()]).catch((error: unknown) =>
    log('alerts_tail_bounds_failed', { error: describeError(error) }),
  );
  const outcomes = await mapLimit(rules, INPUT_CONCURRENCY, async (rule): Promise<Outcome> => {
    try {
      const input = await loadRuleInput<Rule>(scopes.get(rule.projectId)!, rule, ctx.now);
      return { rule, verdicts: withVanishedGroups(ctx, rule, evaluateRule<Rule>(rule, input, ctx.now)) };
    } catch (error) {
      return { rule, error };
    }
  });
  const byProject = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    if ('error' in o) {
      summary.rulesFailed++;
      log('alerts_rule_failed', {
        projectId: o.rule.projectId,
        ruleId: o.rule.id,
        ruleKey: o.rule.key,
        error: String(o.error),
      });
      continue;
    }
    const list = byProject.get(o.rule.projectId);
    if (list) list.push(o);
    else byProject.set(o.rule.projectId, [o]);
  }
  for (const [projectId, list] of await retiredRules(ctx))
    byProject.set(projectId, [...(byProject.get(projectId) ?? []), ...list]);
  for (const [projectId, list] of byProject) {
    const evaluated = list as { rule: StoredRule; verdicts: Verdict[] }[];
    try {
      summary.transitions += await storeProject(ctx, projectId, evaluated);
      summary.rulesEvaluated += evaluated.length;
    } catch (error) {
      summary.rulesFailed += evaluated.length;
      log('alerts_project_failed', { projectId, error: describeError(error) });
    }
  }
  return summary;
}

/**
 * A grouped rule answers only for the groups (models, routes, services) its window saw. A group that had an
 * alert and is gone from the data has no data now: its instance says so (a firing one keeps firing, as no
 * data never resolves an alert) rather than keeping a stale state forever.
 */
function withVanishedGroups(ctx: RunContext, rule: StoredRule, verdicts: Verdict[]): Verdict[] {
  if (!('groupBy' in rule) || !rule.groupBy) return verdicts;
  const seen = new Set(verdicts.map((v) => v.group ?? ''));
  const gone = (ctx.instancesByRule.get(rule.id) ?? []).filter(
    (i) => !seen.has(i.groupKey) && i.state !== 'no_data',
  );
  if (gone.length === 0) return verdicts;
  return [
    ...verdicts,
    ...gone.map((i): Verdict => ({
      group: i.groupKey === '' ? null : i.groupKey,
      state: 'no_data',
      value: null,
      threshold: i.threshold ?? verdicts[0]?.threshold ?? 0,
      detail: `no ${rule.groupBy} ${i.groupKey} in the window`,
    })),
  ];
}

/**
 * Alerts of rules an admin disabled while they were firing or pending: evaluated as ok one last time, so a
 * firing one resolves (and its channels, PagerDuty included, hear so) instead of firing forever unseen.
 */
async function retiredRules(ctx: RunContext): Promise<Map<string, Outcome[]>> {
  const open = [...ctx.instances.values()].filter(
    (i) =>
      (i.state === 'firing' || i.state === 'pending') &&
      !ctx.rulesById.has(i.ruleId) &&
      inRun(ctx, i.projectId),
  );
  const out = new Map<string, Outcome[]>();
  if (open.length === 0) return out;
  const rules = new Map((await getRulesByIds([...new Set(open.map((i) => i.ruleId))])).map((r) => [r.id, r]));
  for (const instance of open) {
    const rule = rules.get(instance.ruleId);
    if (!rule) continue; // deleted: its instances went with it
    const verdict: Verdict = {
      group: instance.groupKey === '' ? null : instance.groupKey,
      state: 'ok',
      value: null,
      threshold: instance.threshold ?? 0,
      detail: 'rule disabled',
    };
    const list = out.get(instance.projectId) ?? [];
    const same = list.find((o) => o.rule.id === rule.id);
    if (same && 'verdicts' in same) same.verdicts.push(verdict);
    else list.push({ rule, verdicts: [verdict] });
    out.set(instance.projectId, list);
  }
  return out;
}

type Change = {
  rule: StoredRule;
  groupKey: string;
  verdict: Verdict;
  transition: Transition;
  previousSince: Date | null;
};

/** A database or the transaction handed to `db.transaction`'s callback. */
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Writes one project's evaluation in one transaction, under a per-project advisory lock: instance states are
 * computed from the rows as they are inside the lock, so two runs that overlap (KV lock lost or expired)
 * cannot both move an instance and both notify; and a failure leaves nothing half written.
 */
async function storeProject(
  ctx: RunContext,
  projectId: string,
  evaluated: { rule: StoredRule; verdicts: Verdict[] }[],
): Promise<number> {
  const db = await getDb();
  const now = ctx.now;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`alerts:${projectId}`}))`);
    const current = new Map(
      (await listProjectInstances(tx, projectId)).map((i) => [instanceKey(i.ruleId, i.groupKey), i]),
    );
    const rows: (typeof alertInstances.$inferInsert)[] = [];
    const changes: Change[] = [];
    for (const { rule, verdicts } of evaluated) {
      for (const verdict of verdicts) {
        const groupKey = verdict.group ?? '';
        const previous = current.get(instanceKey(rule.id, groupKey));
        const dataAt = verdict.state === 'no_data' ? (previous?.dataAt ?? null) : now;
        const next = nextInstanceState(
          previous ? { state: previous.state, since: previous.since } : null,
          verdict,
          rule.forMs,
          now,
          { dataAt },
        );
        rows.push({
          projectId,
          ruleId: rule.id,
          groupKey,
          state: next.state,
          since: next.since,
          value: verdict.value,
          threshold: verdict.threshold,
          lastEvaluatedAt: now,
          dataAt,
        });
        if (next.transition)
          changes.push({
            rule,
            groupKey,
            verdict,
            transition: next.transition,
            previousSince: previous?.since ?? null,
          });
      }
    }
    if (rows.length === 0) return 0;
    await tx
      .insert(alertInstances)
      .values(rows)
      .onConflictDoUpdate({
        target: [alertInstances.projectId, alertInstances.ruleId, alertInstances.groupKey],
        set: {
          state: sql`excluded.state`,
          since: sql`excluded.since`,
          value: sql`excluded.value`,
          threshold: sql`excluded.threshold`,
          lastEvaluatedAt: sql`excluded.last_evaluated_at`,
          dataAt: sql`excluded.data_at`,
          // An alert that fires again starts unacknowledged (an ack is for one incident).
          acknowledgedAt: sql`case when excluded.state = 'firing' and ${alertInstances.state} <> 'firing' then null else ${alertInstances.acknowledgedAt} end`,
          acknowledgedBy: sql`case when excluded.state = 'firing' and ${alertInstances.state} <> 'firing' then null else ${alertInstances.acknowledgedBy} end`,
        },
      });
    if (changes.length === 0) return 0;

    const recorded = await tx
      .insert(alertTransitions)
      .values(
        changes.map((c) => ({
          projectId,
          ruleId: c.rule.id,
          groupKey: c.groupKey,
          fromState: c.transition.from,
          toState: c.transition.to,
          at: now,
          value: c.verdict.value,
          threshold: c.verdict.threshold,
        })),
      )
      .onConflictDoNothing()
      .returning({
        id: alertTransitions.id,
        ruleId: alertTransitions.ruleId,
        groupKey: alertTransitions.groupKey,
        toState: alertTransitions.toState,
      });
    // Absent from `recorded`: a run at the same instant already recorded it (and queued its notifications).
    const ids = new Map(
      recorded.map((r) => [`${instanceKey(r.ruleId, r.groupKey)}\u0000${r.toState}`, r.id]),
    );
    const channels = projectChannels(ctx, projectId);
    const silenced = ctx.silencesByProject.get(projectId) ?? [];
    const deliveries: DeliveryToQueue[] = [];
    for (const c of changes) {
      const id = ids.get(`${instanceKey(c.rule.id, c.groupKey)}\u0000${c.transition.to}`);
      if (id === undefined || !isNotifiable(c.transition)) continue;
      if (c.transition.to === 'firing') {
        // A silence holds back firing notifications; queueRepeats sends it if the alert outlives the silence.
        if (isSilenced(silenced, c.rule.id, c.groupKey, now)) continue;
        let targets = channelsFor(c.rule.severity, channels);
        // A shared dependency's alert reaches the installation's channels once, from the project that owns it.
        if (isSharedRule(c.rule)) targets = await claimShared(tx, sharedAlert(projectId, c), targets, now);
        for (const channel of targets)
          deliveries.push({ projectId, transitionId: id, kind: 'firing', channel: channel.id });
      } else {
        if (isSharedRule(c.rule)) await releaseShared(tx, sharedAlert(projectId, c));
        // Resolved goes to whoever was told it fired, silence or not: a page someone got must be closed.
        for (const channel of await resolvedTargets(tx, projectId, c, channels))
          deliveries.push({ projectId, transitionId: id, kind: 'resolved', channel: channel.id });
      }
    }
    await queueDeliveries(tx, deliveries, now);
    return recorded.length;
  });
}

const sharedAlert = (projectId: string, c: Change) => ({
  projectId,
  ruleId: c.rule.id,
  ruleKey: c.rule.key,
  groupKey: c.groupKey,
});

/**
 * A resolved notification goes to the channels that were to be told the alert was firing (a silenced or
 * never-queued firing gets no resolved either), when they are still configured and `send resolved` is on.
 */
async function resolvedTargets(
  db: Tx,
  projectId: string,
  c: Change,
  channels: ConfiguredChannel[],
): Promise<ConfiguredChannel[]> {
  if (c.previousSince === null) return [];
  const names = await channelsToldOfFiring(db, projectId, c.rule.id, c.groupKey, c.previousSince);
  // A firing or repeat notification still waiting for a retry would now arrive after the resolved one (and
  // reopen a PagerDuty incident): it is superseded. The resolved notification tells its story.
  await db.execute(sql`
    update notification_deliveries d set status = 'failed', next_attempt_at = null,
      last_error = 'superseded: the alert resolved before this notification was delivered'
    from alert_transitions t
    where t.project_id = d.project_id and t.id = d.transition_id and d.project_id = ${projectId}
      and t.rule_id = ${c.rule.id} and t.group_key = ${c.groupKey} and t.to_state = 'firing'
      and t.at = ${c.previousSince.toISOString()} and d.status = 'pending' and d.kind in ('firing', 'repeat')`);
  return channels.filter((ch) => names.has(ch.id) && ch.sendResolved !== false);
}

/** Maps with at most `limit` calls in flight; answers in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
