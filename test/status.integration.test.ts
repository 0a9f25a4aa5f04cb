import { randomUUID } from 'node:crypto';
import { and, eq, gte, lte } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { getDb } = await import('@/db/client');
const { ensurePartitions } = await import('@/db/partitions');
const schema = await import('@/db/schema');
const { seedDefaultRules } = await import('@/lib/alerts/rules/seed');
const { appMetrics, getPublicStatus, listPublicStatusProjects, getStatusPageEnabled, clearStatusCache } =
  await import('@/lib/status/queries');
const { setStatusPage, setStatusPageFramable } = await import('@/lib/settings/set-status-page');
const { isStatusPageFramable, forgetStatusFraming } = await import('@/lib/status/framing');
const { setStatusPageSchema } = await import('@/lib/settings/schema');

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Noon UTC of a random day in 2012-2018: health checks are installation-wide, and no other test writes there
// (health-history uses 2000-2010, the alert tests write near today).
const NOW = new Date(Date.UTC(2012, 0, 1) + Math.floor(Math.random() * 2500) * DAY + 12 * HOUR);
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const SECRET_GROUP = `claude-secret-${randomUUID().slice(0, 8)}`;
const SECRET_REASON = `HTTP 418 teapot ${randomUUID().slice(0, 8)}`;

type Project = typeof schema.projects.$inferSelect;
let enabled: Project;
let disabled: Project;

async function newProject(statusPageEnabled: boolean): Promise<Project> {
  const db = await getDb();
  const [project] = await db
    .insert(schema.projects)
    .values({
      slug: `status-${randomUUID().slice(0, 12)}`,
      name: `Status ${statusPageEnabled}`,
      statusPageEnabled,
    })
    .returning();
  await seedDefaultRules(project!.id);
  return project!;
}

function checks(
  dependency: 'database' | 'cache' | 'ai' | 'auth',
  state: 'ok' | 'fail' | 'not_configured',
  at: Date,
  n = 1,
) {
  return Array.from({ length: n }, (_, i) => ({
    dependency,
    state,
    checkedAt: new Date(at.getTime() - i * MIN),
    latencyMs: state === 'not_configured' ? null : 12_345,
    reason: state === 'ok' ? null : SECRET_REASON,
  }));
}

async function ruleId(projectId: string, key: string): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .select({ id: schema.alertRules.id })
    .from(schema.alertRules)
    .where(and(eq(schema.alertRules.projectId, projectId), eq(schema.alertRules.key, key)));
  return row!.id;
}

describe(`public status page against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  beforeAll(async () => {
    const db = await getDb();
    // Checks an earlier run may have left in this window (same random day on a shared database).
    await db
      .delete(schema.healthChecks)
      .where(and(gte(schema.healthChecks.checkedAt, ago(92 * DAY)), lte(schema.healthChecks.checkedAt, NOW)));
    await db.insert(schema.healthChecks).values([
      // database: today 10 ok (latest 1 min ago); yesterday 3 ok + 1 fail; 5 days ago 20 fail; 89 days ago 1 ok;
      // 90 days ago (outside the 90 bars) 5 fail.
      ...checks('database', 'ok', ago(MIN), 10),
      ...checks('database', 'ok', ago(DAY), 3),
      ...checks('database', 'fail', ago(DAY + 10 * MIN)),
      ...checks('database', 'fail', ago(5 * DAY), 20),
      ...checks('database', 'ok', ago(89 * DAY)),
      ...checks('database', 'fail', ago(90 * DAY), 5),
      // cache: failing now.
      ...checks('cache', 'ok', ago(3 * MIN)),
      ...checks('cache', 'fail', ago(2 * MIN)),
      // ai: worked 3 days ago, not configured now: left off the page.
      ...checks('ai', 'ok', ago(3 * DAY)),
      ...checks('ai', 'not_configured', ago(MIN)),
      // auth: last checked 30 minutes ago: unknown.
      ...checks('auth', 'ok', ago(30 * MIN)),
    ]);

    enabled = await newProject(true);
    disabled = await newProject(false);

    // 20 requests in the last 15 minutes, 4 failed (20%); 10 failures 20 minutes ago do not count.
    // 10 responses of 100..1000 ms: p95 (continuous) = 955 ms, within 1% from the catalog's histogram.
    // The window is [NOW - 15 min, NOW), as the dashboards read it: the newest request is a millisecond before.
    const event = (i: number, values: Partial<typeof schema.events.$inferInsert> & { type: string }) => ({
      projectId: enabled.id,
      eventId: `status-${i}`,
      ts: NOW,
      route: '/api/secret-route',
      ...values,
    });
    const rows = [
      ...Array.from({ length: 20 }, (_, i) =>
        event(i, {
          type: 'http.request',
          httpStatus: i < 4 ? 500 : 200,
          durationMs: 50,
          ts: ago(i * 30_000 + 1),
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        event(100 + i, {
          type: 'http.request',
          httpStatus: 503,
          durationMs: 50,
          ts: ago(20 * MIN + i * 1000),
        }),
      ),
      // Stamped at NOW itself: in the next window, not this one.
      event(300, { type: 'http.request', httpStatus: 500, durationMs: 50, ts: NOW }),
      ...Array.from({ length: 10 }, (_, i) =>
        event(200 + i, { type: 'response.sent', durationMs: (i + 1) * 100, ts: ago(MIN + i * 1000) }),
      ),
    ];
    // Raw events are partitioned by day: this test's day, years ago, has none until it is made.
    await ensurePartitions(db, { from: ago(HOUR), to: NOW });
    await db.insert(schema.events).values(rows);

    const errorRate = await ruleId(enabled.id, 'error-rate');
    const aiFailures = await ruleId(enabled.id, 'ai-consecutive-failures');
    const p95 = await ruleId(enabled.id, 'p95-response-time');
    const cacheHits = await ruleId(enabled.id, 'cache-hit-rate');
    const spend = await ruleId(enabled.id, 'daily-spend');
    const logins = await ruleId(enabled.id, 'failed-logins');
    await db
      .update(schema.alertRules)
      .set({ enabled: false })
      .where(and(eq(schema.alertRules.projectId, enabled.id), eq(schema.alertRules.id, cacheHits)));
    const instance = (rule: string, groupKey: string, state: 'firing' | 'ok', since: Date) => ({
      projectId: enabled.id,
      ruleId: rule,
      groupKey,
      state,
      since,
      value: 0.2,
      threshold: 0.01,
      lastEvaluatedAt: NOW,
    });
    await db.insert(schema.alertInstances).values([
      instance(errorRate, '', 'firing', ago(5 * MIN)),
      instance(aiFailures, SECRET_GROUP, 'firing', ago(3 * MIN)),
      instance(aiFailures, `${SECRET_GROUP}-2`, 'firing', ago(7 * MIN)),
      instance(p95, '', 'ok', ago(2 * HOUR)),
      // A disabled rule's leftover instance is not an open incident.
      instance(cacheHits, '', 'firing', ago(HOUR)),
      // Cost and security alerts are internal.
      instance(spend, '', 'firing', ago(HOUR)),
      instance(logins, '', 'firing', ago(HOUR)),
    ]);
    const transition = (
      rule: string,
      fromState: 'ok' | 'firing',
      toState: 'firing' | 'resolved',
      at: Date,
    ) => ({
      projectId: enabled.id,
      ruleId: rule,
      groupKey: '',
      fromState,
      toState,
      at,
      value: 3000,
      threshold: 2000,
    });
    await db
      .insert(schema.alertTransitions)
      .values([
        transition(p95, 'ok', 'firing', ago(3 * HOUR)),
        transition(p95, 'firing', 'resolved', ago(2 * HOUR)),
        transition(p95, 'ok', 'firing', ago(9 * DAY)),
        transition(p95, 'firing', 'resolved', ago(8 * DAY)),
        transition(errorRate, 'ok', 'firing', ago(5 * MIN)),
        transition(spend, 'ok', 'firing', ago(3 * HOUR)),
        transition(spend, 'firing', 'resolved', ago(2 * HOUR)),
      ]);
    clearStatusCache();
  });

  // Leaves no public page behind in a shared database (the /status index lists every enabled project).
  afterAll(async () => {
    if (enabled) await setStatusPage(enabled.id, false);
  });

  it('answers the current state, the uptime per day, the chat app and the open incidents', async () => {
    const page = await getPublicStatus(enabled.slug, NOW);
    expect(page).not.toBeNull();
    const status = page!;
    expect(status.name).toBe(enabled.name);

    expect(status.dependencies.map((d) => [d.dependency, d.state])).toEqual([
      ['database', 'operational'],
      ['cache', 'outage'],
      ['auth', 'unknown'],
    ]);
    const database = status.dependencies[0]!;
    expect(database.days).toHaveLength(90);
    expect(database.days.at(-1)).toEqual({ day: NOW.toISOString().slice(0, 10), tone: 'up' });
    expect(database.days.at(-2)).toMatchObject({ tone: 'down' });
    expect(database.days.at(-3)).toMatchObject({ tone: 'none' });
    expect(database.days.at(-6)).toMatchObject({ tone: 'down' });
    expect(database.days[0]).toMatchObject({
      tone: 'up',
      day: ago(89 * DAY)
        .toISOString()
        .slice(0, 10),
    });
    expect(database.days.filter((d) => d.tone !== 'none')).toHaveLength(4);
    const cache = status.dependencies[1]!;
    expect(cache.days.at(-1)).toMatchObject({ tone: 'down' });
    expect(status.dependencies[2]!.days.at(-1)).toMatchObject({ tone: 'up' });

    // 20% errors and a p95 of 955 ms judge the chat app, and stay on the server.
    const metrics = await appMetrics(await getDb(), enabled.id, NOW);
    expect(metrics).toMatchObject({ errorRate: 4 / 20, requests: 20, responses: 10 });
    expect(Math.abs(metrics.p95ResponseMs! - 955)).toBeLessThanOrEqual(0.01 * 955);
    expect(status.app).toEqual({ state: 'degraded' });
    expect(status.overall).toBe('degraded');

    // Two reliability rules fire ("Error rate above 1%", "3 consecutive AI failures"): one public incident.
    expect(status.open).toEqual([
      { title: 'Increased errors', severity: 'Critical', since: ago(7 * MIN).toISOString() },
    ]);
    expect(status.resolved).toEqual([
      {
        title: 'Slower responses',
        severity: 'High',
        startedAt: ago(3 * HOUR).toISOString(),
        resolvedAt: ago(2 * HOUR).toISOString(),
      },
    ]);

    // The slug is random, and its digits may spell a figure below ('955' once did): compared apart.
    expect(status.slug).toBe(enabled.slug);
    const json = JSON.stringify({ ...status, slug: '' });
    for (const secret of [
      enabled.id,
      SECRET_GROUP,
      SECRET_REASON,
      '12345',
      '/api/secret-route',
      '"threshold"',
      'above 1%',
      'consecutive',
      'p95',
      '955',
      '0.2',
    ])
      expect(json).not.toContain(secret);
    // Dates and days are the only numbers a visitor gets (the slug holds digits of its own).
    const undated = JSON.stringify({ ...status, slug: '' }).replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, 'D');
    expect(undated.match(/.{0,30}\d.{0,30}/)?.[0]).toBeUndefined();
  });

  it('judges the chat app against the project rules: a raised threshold makes it operational', async () => {
    const db = await getDb();
    const errorRate = await ruleId(enabled.id, 'error-rate');
    const [row] = await db
      .select()
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, enabled.id), eq(schema.alertRules.id, errorRate)));
    await db
      .update(schema.alertRules)
      .set({ definition: { ...row!.definition, value: 0.3 } as NonNullable<typeof row>['definition'] })
      .where(and(eq(schema.alertRules.projectId, enabled.id), eq(schema.alertRules.id, errorRate)));
    // The figures are cached for 10 s: a later request sees the new threshold.
    expect((await getPublicStatus(enabled.slug, NOW))!.app.state).not.toBe('operational');
    const page = await getPublicStatus(enabled.slug, new Date(NOW.getTime() + 11_000));
    expect(page!.app.state).toBe('operational');
    await db
      .update(schema.alertRules)
      .set({ definition: row!.definition })
      .where(and(eq(schema.alertRules.projectId, enabled.id), eq(schema.alertRules.id, errorRate)));
  });

  it('answers null for a disabled project and an unknown slug alike', async () => {
    expect(await getPublicStatus(disabled.slug, NOW)).toBeNull();
    expect(await getPublicStatus(`nope-${randomUUID()}`, NOW)).toBeNull();
  });

  it('answers the same null, without a database error, for a slug no project can have', async () => {
    for (const slug of [
      '\u0000',
      `${enabled.slug}\u0000`,
      '\u00c0\u00af',
      '%C0%AF',
      '\ufffd\ufffd',
      '\ud800',
      enabled.slug.toUpperCase(),
      ` ${enabled.slug}`,
      `${enabled.slug}/x`,
      'a'.repeat(64),
      'x'.repeat(100_000),
      '',
    ])
      expect(await getPublicStatus(slug, NOW), JSON.stringify(slug.slice(0, 20))).toBeNull();
    expect(await getPublicStatus(enabled.slug, NOW)).not.toBeNull();
  });

  it('lists only enabled projects', async () => {
    const listed = (await listPublicStatusProjects()).map((p) => p.slug);
    expect(listed).toContain(enabled.slug);
    expect(listed).not.toContain(disabled.slug);
    expect(Object.keys((await listPublicStatusProjects())[0]!)).toEqual(['slug', 'name']);
  });

  it('turns a status page on and off once, and refuses an unknown project', async () => {
    const project = await newProject(false);
    expect(await setStatusPage(project.id, true)).toEqual({
      slug: project.slug,
      name: project.name,
      enabled: true,
      changed: true,
    });
    expect(await getStatusPageEnabled(project.id)).toBe(true);
    expect(await getPublicStatus(project.slug, NOW)).not.toBeNull();
    expect((await setStatusPage(project.id, true)).changed).toBe(false);
    expect((await setStatusPage(project.id, false)).changed).toBe(true);
    expect(await getPublicStatus(project.slug, NOW)).toBeNull();
    await expect(setStatusPage(randomUUID(), true)).rejects.toMatchObject({ code: 'not_found' });
    expect(await getStatusPageEnabled(randomUUID())).toBeNull();

    expect(setStatusPageSchema.parse({ projectId: project.id, enabled: 'true' })).toEqual({
      projectId: project.id,
      enabled: true,
    });
    expect(setStatusPageSchema.parse({ projectId: project.id, enabled: 'false' }).enabled).toBe(false);
    expect(setStatusPageSchema.safeParse({ projectId: project.id, enabled: 'yes' }).success).toBe(false);
  });

  it('lets other sites frame a page only when it is on and an admin allowed it', async () => {
    const project = await newProject(true);
    expect(await isStatusPageFramable(project.slug)).toBe(false);
    expect((await setStatusPageFramable(project.id, true)).changed).toBe(true);
    // Cached per process: the setting action forgets the cache when it changes something.
    expect(await isStatusPageFramable(project.slug)).toBe(false);
    forgetStatusFraming();
    expect(await isStatusPageFramable(project.slug)).toBe(true);
    expect((await setStatusPageFramable(project.id, true)).changed).toBe(false);
    await setStatusPage(project.id, false);
    forgetStatusFraming();
    expect(await isStatusPageFramable(project.slug)).toBe(false);
    expect(await isStatusPageFramable('bad\u0000slug')).toBe(false);
    expect(await isStatusPageFramable('x'.repeat(5000))).toBe(false);
  });
});
