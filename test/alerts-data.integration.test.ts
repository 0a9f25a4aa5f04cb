import { randomUUID } from 'node:crypto';
import { and, eq, gt, lte } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

const initSlug = `it-alerts-${randomUUID().slice(0, 8)}`;
process.env.INIT_PROJECT = initSlug;

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { ingestBatch } = await import('@/lib/ingest/ingest');
const { bootstrap, ensureBootstrap } = await import('@/lib/projects/bootstrap');
const { createProject } = await import('@/lib/settings/create-project');
const { seedDefaultRules } = await import('@/lib/alerts/rules/seed');
const { listRules } = await import('@/lib/alerts/rules/queries');
const { loadRuleInput } = await import('@/lib/alerts/inputs/inputs');
const { evaluateRule } = await import('@/lib/alerts/engine/evaluate');
const { DEFAULT_RULES } = await import('@/lib/alerts/rules/defaults');
type Rule = import('@/lib/alerts/engine/types').Rule;
type StoredRule = import('@/lib/alerts/rules/stored').StoredRule;

const DAY = 86_400_000;
// Noon UTC yesterday: half the UTC day has elapsed, and no other test writes at that instant.
const today = new Date();
const NOW = new Date(
  Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - DAY + DAY / 2,
);
const at = (msAgo: number) => NOW.getTime() - msAgo;
const SEC = 1000;
const MIN = 60 * SEC;

async function newProject() {
  const db = await getDb();
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `alerts-${randomUUID().slice(0, 12)}`, name: 'alerts' })
    .returning();
  return project!;
}

async function rulesOf(projectId: string) {
  const db = await getDb();
  return db.select().from(schema.alertRules).where(eq(schema.alertRules.projectId, projectId));
}

function buildEvents() {
  const events: Record<string, unknown>[] = [];
  // 30 requests to /api/chat (2 of them 502), 10 to /api/other, all in the last 5 minutes: 2/40 = 5% errors.
  for (let i = 0; i < 30; i++)
    events.push({
      type: 'http.request',
      route: '/api/chat',
      status: i < 2 ? 502 : 200,
      durationMs: 50,
      timestamp: at(2 * MIN + i * SEC),
    });
  for (let i = 0; i < 10; i++)
    events.push({
      type: 'http.request',
      route: '/api/other',
      status: 200,
      durationMs: 50,
      timestamp: at(3 * MIN + i * SEC),
    });
  // Outside the 5-minute window: not counted.
  for (let i = 0; i < 5; i++)
    events.push({
      type: 'http.request',
      route: '/api/chat',
      status: 500,
      durationMs: 50,
      timestamp: at(10 * MIN + i * SEC),
    });
  // 20 responses in the last minute whose time to first response is 100..2000 ms: p95 (continuous) =
  // 1900 + 0.05 * 100 = 1905 ms. Every other one is streamed: its first token counts, not its 10 s length.
  for (let i = 1; i <= 20; i++)
    events.push({
      type: 'response.sent',
      ...(i % 2 === 0
        ? { streamed: true, timeToFirstTokenMs: i * 100, durationMs: 10_000 + i * 100 }
        : { durationMs: i * 100 }),
      timestamp: at(30 * SEC + i * 100),
    });
  // 100 cache lookups in the last hour, 70 hits; sets do not count.
  for (let i = 0; i < 100; i++)
    events.push({ type: 'cache', operation: 'get', hit: i < 70, timestamp: at(10 * MIN + i * SEC) });
  for (let i = 0; i < 10; i++)
    events.push({ type: 'cache', operation: 'set', timestamp: at(10 * MIN + i * SEC) });
  // haiku: success then 3 failures (newest) within a minute; sonnet: error, success, error (run of 1). $1 each.
  const ai = (model: string, msAgo: number, ok: boolean) =>
    events.push({
      type: 'ai.call',
      model,
      durationMs: 800,
      costUsd: 1,
      status: ok ? 'ok' : 'error',
      timestamp: at(msAgo),
    });
  ai('claude-haiku-4-5', 40 * SEC, true);
  ai('claude-haiku-4-5', 30 * SEC, false);
  ai('claude-haiku-4-5', 20 * SEC, false);
  ai('claude-haiku-4-5', 10 * SEC, false);
  ai('claude-sonnet-4-5', 25 * SEC, false);
  ai('claude-sonnet-4-5', 15 * SEC, true);
  ai('claude-sonnet-4-5', 5 * SEC, false);
  ai('claude-sonnet-4-5', 6 * 60 * MIN, true); // today, earlier: counts toward spend (8 calls = $8)
  ai('claude-sonnet-4-5', 13 * 60 * MIN, true); // yesterday (before UTC midnight): not today's spend
  // 5 failed logins and one success in the last 5 minutes.
  for (let i = 0; i < 6; i++)
    events.push({
      type: 'auth.attempt',
      outcome: i < 5 ? 'failure' : 'success',
      timestamp: at(MIN + i * SEC),
    });
  return events;
}

/** Percentiles come from the rollups' log histogram: within 1% of the exact percentile_cont. */
function expectWithin1Pct(actual: number | null | undefined, expected: number) {
  expect(actual).toEqual(expect.any(Number));
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(0.01 * Math.abs(expected));
}

function rule(rules: StoredRule[], key: string): StoredRule;
function rule<K extends Rule['kind']>(
  rules: StoredRule[],
  key: string,
  kind: K,
): Extract<StoredRule, { kind: K }>;
function rule(rules: StoredRule[], key: string, kind?: Rule['kind']): StoredRule {
  const found = rules.find((r) => r.key === key);
  if (!found || (kind && found.kind !== kind)) throw new Error(`rule ${key} (${kind ?? 'any kind'}) missing`);
  return found;
}

describe(`alert data against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  let projectId: string;
  let rules: StoredRule[];

  beforeAll(async () => {
    const project = await newProject();
    projectId = project.id;
    await seedDefaultRules(projectId);
    const events = buildEvents();
    const result = await ingestBatch(projectId, { events }, { now: NOW });
    expect(result.body).toEqual({ accepted: events.length, duplicates: 0, rejected: 0 });
    rules = await listRules(projectId, { enabledOnly: true });
  });

  it('seeds the default rules (ten on, seven templates off) once, however often it runs', async () => {
    const project = await newProject();
    expect(await seedDefaultRules(project.id)).toBe(17);
    expect(await seedDefaultRules(project.id)).toBe(0);
    const rows = await rulesOf(project.id);
    expect(rows.map((r) => r.key).sort()).toEqual(DEFAULT_RULES.map((r) => r.key).sort());
    const errorRate = rows.find((r) => r.key === 'error-rate')!;
    expect(errorRate).toMatchObject({ kind: 'threshold', severity: 'P1', enabled: true });
    expect(errorRate.definition).toEqual(DEFAULT_RULES.find((r) => r.key === 'error-rate'));
  });

  it('seeds default rules for INIT_PROJECT at bootstrap and for a project created in Settings', async () => {
    await ensureBootstrap();
    const db = await getDb();
    const [init] = await db.select().from(schema.projects).where(eq(schema.projects.slug, initSlug));
    expect(await rulesOf(init!.id)).toHaveLength(17);
    const created = await createProject({
      name: 'Alerts',
      slug: `alerts-${randomUUID().slice(0, 12)}`,
    } as Parameters<typeof createProject>[0]);
    expect(await rulesOf(created.id)).toHaveLength(17);
  });

  it('lists enabled rules as engine rules with ids, and leaves disabled ones out', async () => {
    expect(rules).toHaveLength(10);
    expect(rule(rules, 'cache-hit-rate')).toMatchObject({
      kind: 'threshold',
      metric: 'cache_hit_rate',
      projectId,
    });
    const db = await getDb();
    await db
      .update(schema.alertRules)
      .set({ enabled: false })
      .where(and(eq(schema.alertRules.projectId, projectId), eq(schema.alertRules.key, 'failed-logins')));
    const after = await listRules(projectId, { enabledOnly: true });
    expect(after.map((r) => r.key)).not.toContain('failed-logins');
    await db
      .update(schema.alertRules)
      .set({ enabled: true })
      .where(and(eq(schema.alertRules.projectId, projectId), eq(schema.alertRules.key, 'failed-logins')));
  });

  it('computes the error rate and availability over the window, and breaches at 5% > 1%', async () => {
    const r = rule(rules, 'error-rate', 'threshold');
    const input = await loadRuleInput({ projectId }, r, NOW);
    expect(input.groups).toHaveLength(1);
    expect(input.groups[0]!.samples).toBe(40);
    expect(input.groups[0]!.value).toBeCloseTo(2 / 40, 10);
    expect(evaluateRule(r, input, NOW)[0]).toMatchObject({ state: 'breaching', threshold: 0.01 });

    const availability = rule(rules, 'api-availability', 'threshold');
    const avail = await loadRuleInput({ projectId }, availability, NOW);
    expect(avail.groups[0]!.value).toBeCloseTo(38 / 40, 10);
    expect(evaluateRule(availability, avail, NOW)[0]!.state).toBe('breaching');
  });

  it('groups a threshold rule by route when it asks to', async () => {
    const r = { ...rule(rules, 'error-rate'), groupBy: 'route' } as Rule & { kind: 'threshold' };
    const input = await loadRuleInput({ projectId }, r, NOW);
    const byRoute = Object.fromEntries(input.groups.map((g) => [g.group, g]));
    expect(byRoute['/api/chat']).toMatchObject({ samples: 30 });
    expect(byRoute['/api/chat']!.value).toBeCloseTo(2 / 30, 10);
    expect(byRoute['/api/other']).toMatchObject({ samples: 10, value: 0 });
    const verdicts = evaluateRule(r, input, NOW);
    // 10 samples on /api/other is fewer than the rule's 20: no data, not ok.
    expect(Object.fromEntries(verdicts.map((v) => [v.group, v.state]))).toEqual({
      '/api/chat': 'breaching',
      '/api/other': 'no_data',
    });
  });

  it('computes p95 time to first response within 1% of percentile_cont, which does not breach 2 s', async () => {
    const r = rule(rules, 'p95-response-time', 'threshold');
    expect(r.metric).toBe('p95_first_response_ms');
    const input = await loadRuleInput({ projectId }, r, NOW);
    expect(input.groups[0]!.samples).toBe(20);
    expectWithin1Pct(input.groups[0]!.value, 1905);
    expect(evaluateRule(r, input, NOW)[0]!.state).toBe('ok');
  });

  it('computes the cache hit rate from lookups only, and breaches at 70% < 80%', async () => {
    const r = rule(rules, 'cache-hit-rate', 'threshold');
    const input = await loadRuleInput({ projectId }, r, NOW);
    expect(input.groups[0]).toMatchObject({ group: null, samples: 100 });
    expect(input.groups[0]!.value).toBeCloseTo(0.7, 10);
    expect(evaluateRule(r, input, NOW)[0]!.state).toBe('breaching');
  });

  it('counts failed logins in the window: 5 >= 5 breaches', async () => {
    const r = rule(rules, 'failed-logins', 'threshold');
    const input = await loadRuleInput({ projectId }, r, NOW);
    expect(input.groups[0]).toMatchObject({ value: 5, samples: 6 });
    expect(evaluateRule(r, input, NOW)[0]!.state).toBe('breaching');
  });

  it('reads a window without a single event as 0 failed logins (ok) and an error rate of no data', async () => {
    const quiet = new Date(at(30 * MIN));
    const logins = rule(rules, 'failed-logins', 'threshold');
    const none = await loadRuleInput({ projectId }, logins, quiet);
    expect(none.groups).toEqual([{ group: null, value: 0, samples: 0 }]);
    expect(evaluateRule(logins, none, quiet)[0]!.state).toBe('ok');
    const errors = rule(rules, 'error-rate', 'threshold');
    const noRequests = await loadRuleInput({ projectId }, errors, quiet);
    expect(noRequests.groups).toEqual([{ group: null, value: null, samples: 0 }]);
    expect(evaluateRule(errors, noRequests, quiet)[0]!.state).toBe('no_data');
  });

  it('reads AI outcomes newest first per model: three failures in a row breach, a broken run does not', async () => {
    const r = rule(rules, 'ai-consecutive-failures', 'consecutive');
    const input = await loadRuleInput({ projectId }, r, NOW);
    const haiku = input.groups.find((g) => g.group === 'claude-haiku-4-5')!;
    expect(haiku.outcomes.map((o) => o.matched)).toEqual([false, false, false, true].map((ok) => !ok));
    expect(haiku.outcomes[0]!.at.getTime()).toBe(at(10 * SEC));
    const verdicts = Object.fromEntries(evaluateRule(r, input, NOW).map((v) => [v.group, v]));
    expect(verdicts['claude-haiku-4-5']).toMatchObject({ state: 'breaching', value: 3 });
    expect(verdicts['claude-sonnet-4-5']).toMatchObject({ state: 'ok', value: 1 });
  });

  it("reads today's spend and the project's budget: none is no data, $8 by noon vs $10 x 1.5 breaches", async () => {
    const r = rule(rules, 'daily-spend', 'budget');
    const input = await loadRuleInput({ projectId }, r, NOW);
    expect(input.spentUsd).toBeCloseTo(8, 10);
    expect(input.projectDailyBudgetUsd).toBeNull();
    expect(evaluateRule(r, input, NOW)[0]!.state).toBe('no_data');

    const db = await getDb();
    await db.update(schema.projects).set({ dailyBudgetUsd: 10 }).where(eq(schema.projects.id, projectId));
    const budgeted = await loadRuleInput({ projectId }, r, NOW);
    expect(budgeted).toEqual({ spentUsd: 8, projectDailyBudgetUsd: 10 });
    // Projected: $8 / 0.5 of the day = $16 >= $15.
    expect(evaluateRule(r, budgeted, NOW)[0]).toMatchObject({ state: 'breaching', value: 16, threshold: 15 });
  });

  it('compares active users with the previous day (no baseline yet is no data)', async () => {
    const r = rule(rules, 'active-users-drop', 'change');
    const input = await loadRuleInput({ projectId }, r, NOW);
    // No event of this project carries a user id: 0 users in both windows, from no samples at all.
    expect(input.groups).toEqual([
      { group: null, current: { value: 0, samples: 0 }, baseline: [{ value: 0, samples: 0 }] },
    ]);
    expect(evaluateRule(r, input, NOW)[0]!.state).toBe('no_data');

    const users = (n: number, msAgo: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({
        type: 'page.view',
        path: '/',
        userId: `${prefix}${i}`,
        timestamp: at(msAgo),
      }));
    await ingestBatch(projectId, { events: [...users(10, DAY + MIN, 'y'), ...users(7, MIN, 't')] }, { now: NOW });
    const after = await loadRuleInput({ projectId }, r, NOW);
    expect(after.groups).toEqual([
      { group: null, current: { value: 7, samples: 7 }, baseline: [{ value: 10, samples: 10 }] },
    ]);
    // 7 <= 10 x 0.8: a 30% drop breaches.
    expect(evaluateRule(r, after, NOW)[0]).toMatchObject({ state: 'breaching', threshold: 8 });
  });

  it('reads recent health checks newest first per dependency', async () => {
    const db = await getDb();
    // Health checks are installation-wide: clear this test's instant (yesterday noon) of an earlier run's rows.
    await db
      .delete(schema.healthChecks)
      .where(
        and(
          gt(schema.healthChecks.checkedAt, new Date(at(10 * MIN))),
          lte(schema.healthChecks.checkedAt, NOW),
        ),
      );
    await db.insert(schema.healthChecks).values([
      { dependency: 'auth', state: 'ok', checkedAt: new Date(at(4 * MIN)) },
      { dependency: 'auth', state: 'fail', checkedAt: new Date(at(3 * MIN)) },
      { dependency: 'auth', state: 'fail', checkedAt: new Date(at(2 * MIN)) },
      { dependency: 'auth', state: 'fail', checkedAt: new Date(at(MIN)) },
    ]);
    const r = rule(rules, 'dependency-down', 'health');
    const input = await loadRuleInput({ projectId }, r, NOW);
    const auth = input.dependencies.find((d) => d.dependency === 'auth')!;
    expect(auth.checks.slice(0, 4).map((c) => c.state)).toEqual(['fail', 'fail', 'fail', 'ok']);
    const verdict = evaluateRule(r, input, NOW).find((v) => v.group === 'auth');
    expect(verdict).toMatchObject({ state: 'breaching', value: 3 });
  });

  it('refuses a second identical transition and a second delivery of one transition to one channel', async () => {
    const db = await getDb();
    const ruleId = rule(rules, 'error-rate').id;
    const transition = {
      projectId,
      ruleId,
      groupKey: '',
      fromState: 'ok' as const,
      toState: 'firing' as const,
      at: NOW,
      value: 0.05,
      threshold: 0.01,
    };
    const [first] = await db.insert(schema.alertTransitions).values(transition).returning();
    await expect(db.insert(schema.alertTransitions).values(transition)).rejects.toThrow();
    // A repeated run that writes with on conflict do nothing records nothing.
    const again = await db
      .insert(schema.alertTransitions)
      .values(transition)
      .onConflictDoNothing()
      .returning();
    expect(again).toEqual([]);

    const delivery = { projectId, transitionId: first!.id, channel: 'webhook' };
    await db.insert(schema.notificationDeliveries).values(delivery);
    await expect(db.insert(schema.notificationDeliveries).values(delivery)).rejects.toThrow();
    await db.insert(schema.notificationDeliveries).values({ ...delivery, channel: 'slack' });
    const rows = await db
      .select()
      .from(schema.notificationDeliveries)
      .where(
        and(
          eq(schema.notificationDeliveries.projectId, projectId),
          eq(schema.notificationDeliveries.transitionId, first!.id),
        ),
      );
    expect(rows.map((r) => [r.channel, r.status, r.attempt]).sort()).toEqual([
      ['slack', 'pending', 0],
      ['webhook', 'pending', 0],
    ]);
  });
});

describe('bootstrap and default rules', () => {
  it('gives every project without rules the defaults, and leaves projects that have rules alone', async () => {
    const db = await getDb();
    const [bare] = await db
      .insert(schema.projects)
      .values({ slug: `bare-${randomUUID().slice(0, 8)}`, name: 'bare' })
      .returning();
    const [edited] = await db
      .insert(schema.projects)
      .values({ slug: `edited-${randomUUID().slice(0, 8)}`, name: 'edited' })
      .returning();
    await seedDefaultRules(edited!.id);
    await db
      .delete(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, edited!.id), eq(schema.alertRules.key, 'error-rate')));

    await bootstrap();

    const count = async (projectId: string) =>
      (await db.select().from(schema.alertRules).where(eq(schema.alertRules.projectId, projectId))).length;
    expect(await count(bare!.id)).toBe(DEFAULT_RULES.length);
    expect(await count(edited!.id)).toBe(DEFAULT_RULES.length - 1);
  });
});
