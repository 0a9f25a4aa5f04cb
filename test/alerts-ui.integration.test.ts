import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Clerk is the only boundary faked (for the server actions): the real access checks decide from these
// session claims, ADMIN_EMAILS and the session's active organization.
const session = vi.hoisted(() => ({
  claims: { email: 'admin@example.com' } as Record<string, unknown>,
  orgId: null as string | null,
  orgRole: null as string | null,
}));
vi.mock('@clerk/nextjs/server', () => ({
  auth: async () => ({
    userId: 'user_alerts_ui',
    sessionId: 'sess_alerts_ui',
    orgId: session.orgId,
    orgRole: session.orgRole,
    sessionClaims: session.claims,
  }),
  clerkClient: async () => {
    throw new Error('the Clerk Backend API is not reachable from tests');
  },
}));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY = 'pk_test_alerts_ui';
process.env.CLERK_SECRET_KEY = 'sk_test_alerts_ui';
process.env.ADMIN_EMAILS = 'admin@example.com';
// Only so deliveries to `env:webhook` get the env channel's name; nothing is sent in this file.
process.env.ALERT_WEBHOOK_URL = 'http://127.0.0.1:9/alerts-ui';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { seedDefaultRules } = await import('@/lib/alerts/rules/seed');
const { toStoredRule } = await import('@/lib/alerts/rules/stored');
const queries = await import('@/lib/alerts/view/queries');
const { loadMetricSeries } = await import('@/lib/alerts/inputs/metric-series');
const { acknowledgeAlert } = await import('@/lib/alerts/view/acknowledge');
const { createSilence, endSilence } = await import('@/lib/alerts/view/silences');
const actions = await import('@/app/(dashboard)/alerts/actions');
type StoredRule = import('@/lib/alerts/rules/stored').StoredRule;
type Member = import('@/lib/auth/viewer').Member;
type NewEventRow = import('@/db/schema').NewEventRow;

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Two hours ago on a whole minute: chart points then fall on whole minutes.
const NOW = new Date(Math.floor((Date.now() - 2 * HOUR) / MIN) * MIN);
const ago = (ms: number) => new Date(NOW.getTime() - ms);

// The project belongs to this organization: its members see it, its `org:admin`s administer it.
const ORG_ID = `org_alerts_ui_${randomUUID().slice(0, 8)}`;
let project: typeof schema.projects.$inferSelect;
/** The members the verbs are called with (set once the project exists): an org admin, and an org member. */
let ADMIN: Member;
let MEMBER: Member;
let other: typeof schema.projects.$inferSelect;
const rules = new Map<string, StoredRule>();
const rule = (key: string) => {
  const r = rules.get(key);
  if (!r) throw new Error(`no rule ${key}`);
  return r;
};

async function newProject(prefix: string, orgId: string | null = null) {
  const db = await getDb();
  const [row] = await db
    .insert(schema.projects)
    .values({ slug: `${prefix}-${randomUUID().slice(0, 12)}`, name: `alerts ui ${prefix}`, orgId })
    .returning();
  return row!;
}

function memberOf(role: Member['role'], who: Pick<Member, 'userId' | 'email' | 'name'>): Member {
  return {
    ...who,
    sessionId: null,
    mode: 'clerk',
    installRole: null,
    orgId: ORG_ID,
    orgRole: role === 'admin' ? 'org:admin' : 'org:member',
    activeOrgId: ORG_ID,
    projectId: project.id,
    projectSlug: project.slug,
    role,
  };
}

async function insertEvents(projectId: string, events: Omit<NewEventRow, 'projectId' | 'eventId'>[]) {
  const db = await getDb();
  await db.insert(schema.events).values(events.map((e) => ({ ...e, projectId, eventId: randomUUID() })));
}

async function transition(
  key: string,
  groupKey: string,
  fromState: string,
  toState: string,
  at: Date,
  value: number | null = null,
  threshold: number | null = null,
) {
  const db = await getDb();
  const [row] = await db
    .insert(schema.alertTransitions)
    .values({
      projectId: project.id,
      ruleId: rule(key).id,
      groupKey,
      fromState: fromState as never,
      toState: toState as never,
      at,
      value,
      threshold,
    })
    .returning({ id: schema.alertTransitions.id });
  return row!.id;
}

async function auditOf(projectId: string, action: string) {
  const db = await getDb();
  return db
    .select()
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.projectId, projectId), eq(schema.auditLog.action, action)))
    .orderBy(schema.auditLog.id);
}

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

const ids = { firing: 0, resolved: 0, channel: '' };

/** An installation admin (ADMIN_EMAILS) with no active organization. */
function signedInAsAdmin() {
  Object.assign(session, { claims: { email: 'admin@example.com' }, orgId: null, orgRole: null });
}
/** A plain member of the project's organization: its viewer. */
function asOrgMember() {
  Object.assign(session, { claims: { email: 'viewer@example.com' }, orgId: ORG_ID, orgRole: 'org:member' });
}
beforeEach(signedInAsAdmin);

describe(`alerts page data against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  beforeAll(async () => {
    const db = await getDb();
    project = await newProject('alerts-ui', ORG_ID);
    other = await newProject('alerts-ui-other');
    ADMIN = memberOf('admin', { userId: 'u_admin', email: 'ada@example.com', name: 'Ada' });
    MEMBER = memberOf('viewer', { userId: 'u_member', email: null, name: 'Max Member' });
    expect(await seedDefaultRules(project.id)).toBe(17);
    expect(await seedDefaultRules(other.id)).toBe(17);
    const rows = await db.select().from(schema.alertRules).where(eq(schema.alertRules.projectId, project.id));
    for (const row of rows) rules.set(row.key, toStoredRule(row));

    const instance = (
      key: string,
      groupKey: string,
      state: string,
      since: Date,
      value: number | null,
      threshold: number | null,
    ) => ({
      projectId: project.id,
      ruleId: rule(key).id,
      groupKey,
      state: state as never,
      since,
      value,
      threshold,
      lastEvaluatedAt: NOW,
    });
    await db
      .insert(schema.alertInstances)
      .values([
        instance('error-rate', '', 'firing', ago(10 * MIN), 0.25, 0.01),
        instance('ai-consecutive-failures', 'claude-x', 'firing', ago(5 * MIN), 4, 3),
        instance('p95-response-time', '', 'pending', ago(1 * MIN), 2400, 2000),
        instance('cache-hit-rate', '', 'ok', ago(3 * MIN), 0.9, 0.8),
        instance('failed-logins', '', 'resolved', ago(20 * MIN), 1, 5),
      ]);
    // The other project's firing alert must never show in this project's lists.
    const [otherRule] = await db
      .select()
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, other.id), eq(schema.alertRules.key, 'error-rate')));
    await db.insert(schema.alertInstances).values({
      projectId: other.id,
      ruleId: otherRule!.id,
      groupKey: '',
      state: 'firing',
      since: ago(MIN),
      value: 0.5,
      threshold: 0.01,
      lastEvaluatedAt: NOW,
    });

    // error-rate fired, resolved, and fired again; the others once each.
    await transition('error-rate', '', 'ok', 'firing', ago(90 * MIN), 0.05, 0.01);
    ids.resolved = await transition('error-rate', '', 'firing', 'resolved', ago(80 * MIN), 0.001, 0.01);
    await transition('error-rate', '', 'resolved', 'ok', ago(79 * MIN), 0, 0.01);
    ids.firing = await transition('error-rate', '', 'ok', 'firing', ago(10 * MIN), 0.25, 0.01);
    await transition('ai-consecutive-failures', 'claude-x', 'no_data', 'firing', ago(5 * MIN), 4, 3);
    await transition('p95-response-time', '', 'ok', 'pending', ago(1 * MIN), 2400, 2000);
    await transition('p95-response-time', '', 'pending', 'ok', ago(40 * MIN), 1500, 2000);
    await transition('failed-logins', '', 'ok', 'firing', ago(30 * MIN), 6, 5);
    await transition('failed-logins', '', 'firing', 'resolved', ago(20 * MIN), 1, 5);
    await transition('failed-logins', '', 'resolved', 'ok', ago(19 * MIN), 0, 5);
    await transition('cache-hit-rate', '', 'ok', 'no_data', ago(2 * MIN));
    await transition('cache-hit-rate', '', 'no_data', 'ok', ago(3 * MIN), 0.9, 0.8);
    await transition('error-rate', '', 'ok', 'firing', ago(8 * DAY), 0.02, 0.01);

    const [channel] = await db
      .insert(schema.notificationChannels)
      .values({
        projectId: project.id,
        name: 'Ops Slack',
        type: 'slack',
        config: { type: 'slack', webhookUrl: 'https://hooks.slack.test/x' },
        severities: ['P1'],
      })
      .returning();
    ids.channel = channel!.id;
    const delivery = (
      transitionId: number,
      channelId: string,
      extra: Partial<typeof schema.notificationDeliveries.$inferInsert>,
    ) => ({
      projectId: project.id,
      transitionId,
      channel: channelId,
      ...extra,
    });
    await db.insert(schema.notificationDeliveries).values([
      delivery(ids.firing, 'env:webhook', {
        kind: 'firing',
        attempt: 1,
        status: 'sent',
        responseStatus: 200,
        sentAt: ago(10 * MIN - 2 * SEC),
      }),
      delivery(ids.firing, `db:${ids.channel}`, {
        kind: 'firing',
        attempt: 3,
        status: 'pending',
        responseStatus: 500,
        lastError: 'HTTP 500 from hooks.slack.test',
        nextAttemptAt: ago(-2 * MIN),
      }),
      delivery(ids.firing, 'env:webhook', {
        kind: 'repeat',
        seq: 1,
        attempt: 0,
        status: 'pending',
        nextAttemptAt: NOW,
      }),
      delivery(ids.resolved, `db:${randomUUID()}`, {
        kind: 'resolved',
        attempt: 1,
        status: 'failed',
        lastError: 'channel gone',
      }),
      // Another project's row naming the same transition id must not leak in.
      {
        projectId: other.id,
        transitionId: ids.firing,
        channel: 'env:webhook',
        kind: 'firing' as const,
        status: 'sent' as const,
      },
    ]);
  });

  it('lists firing then pending alerts of the project only, with their rule', async () => {
    const active = await queries.listActiveAlerts(project.id);
    expect(active.map((a) => [a.rule.key, a.groupKey, a.state, a.value, a.threshold])).toEqual([
      ['ai-consecutive-failures', 'claude-x', 'firing', 4, 3],
      ['error-rate', '', 'firing', 0.25, 0.01],
      ['p95-response-time', '', 'pending', 2400, 2000],
    ]);
    expect(active[1]).toMatchObject({
      since: ago(10 * MIN),
      acknowledgedAt: null,
      rule: { name: 'Error rate above 1%', severity: 'P1' },
    });
  });

  it('lists the alert transitions of the last 7 days, newest first, without ok / no-data churn', async () => {
    const recent = await queries.listRecentTransitions(project.id, NOW);
    expect(
      recent.map((t) => [t.rule?.definition.key, t.fromState, t.toState, NOW.getTime() - t.at.getTime()]),
    ).toEqual([
      ['p95-response-time', 'ok', 'pending', 1 * MIN],
      ['ai-consecutive-failures', 'no_data', 'firing', 5 * MIN],
      ['error-rate', 'ok', 'firing', 10 * MIN],
      ['failed-logins', 'firing', 'resolved', 20 * MIN],
      ['failed-logins', 'ok', 'firing', 30 * MIN],
      ['p95-response-time', 'pending', 'ok', 40 * MIN],
      ['error-rate', 'firing', 'resolved', 80 * MIN],
      ['error-rate', 'ok', 'firing', 90 * MIN],
    ]);
    expect(recent[2]).toMatchObject({
      value: 0.25,
      threshold: 0.01,
      rule: { name: 'Error rate above 1%', severity: 'P1' },
    });
    expect(await queries.listRecentTransitions(project.id, NOW, 2)).toHaveLength(2);
  });

  it('gives an alert its transitions and each one its deliveries, with channel names', async () => {
    const detail = await queries.getAlertDetail(project.id, rule('error-rate').id, '');
    expect(detail?.rule.key).toBe('error-rate');
    expect(detail?.instance).toMatchObject({ state: 'firing', value: 0.25 });
    expect(
      detail!.transitions.map((t) => [t.toState, NOW.getTime() - t.at.getTime(), t.deliveries.length]),
    ).toEqual([
      ['firing', 10 * MIN, 3],
      ['ok', 79 * MIN, 0],
      ['resolved', 80 * MIN, 1],
      ['firing', 90 * MIN, 0],
      ['firing', 8 * DAY, 0],
    ]);
    const [sent, slack, repeat] = detail!.transitions[0]!.deliveries;
    expect(sent).toMatchObject({
      channel: 'env:webhook',
      channelName: 'Webhook (ALERT_WEBHOOK_URL)',
      kind: 'firing',
      status: 'sent',
      attempt: 1,
      responseStatus: 200,
    });
    expect(slack).toMatchObject({
      channelName: 'Ops Slack',
      status: 'pending',
      attempt: 3,
      responseStatus: 500,
      lastError: 'HTTP 500 from hooks.slack.test',
    });
    expect(repeat).toMatchObject({ kind: 'repeat', seq: 1, status: 'pending' });
    expect(detail!.transitions[2]!.deliveries[0]!.channelName).toMatch(/^deleted channel \(db:/);

    expect(await queries.getAlertDetail(project.id, randomUUID(), '')).toBeNull();
    const [otherRule] = await (
      await getDb()
    )
      .select()
      .from(schema.alertRules)
      .where(eq(schema.alertRules.projectId, other.id))
      .limit(1);
    expect(await queries.getAlertDetail(project.id, otherRule!.id, '')).toBeNull();
    const view = await queries.loadAlertDetailView(project.id, rule('error-rate').id, '', NOW);
    expect(view?.window).toEqual({ from: ago(70 * MIN), to: NOW, firedAt: ago(10 * MIN), resolvedAt: null });
    expect(view?.series.points).toHaveLength(71);
    expect(await queries.loadAlertDetailView(project.id, randomUUID(), '', NOW)).toBeNull();
    const grouped = await queries.getAlertDetail(project.id, rule('ai-consecutive-failures').id, 'claude-x');
    expect(grouped?.transitions.map((t) => t.toState)).toEqual(['firing']);
  });

  describe('metric series', () => {
    const WINDOW = { from: ago(10 * MIN), to: NOW };

    beforeAll(async () => {
      const http = (at: Date, route: string, status: number) => ({
        type: 'http.request',
        ts: at,
        route,
        httpStatus: status,
        durationMs: 40,
      });
      await insertEvents(project.id, [
        http(ago(7.5 * MIN), '/api/a', 500),
        http(ago(7.5 * MIN), '/api/a', 200),
        http(ago(7.5 * MIN), '/api/a', 200),
        http(ago(7.5 * MIN), '/api/a', 200),
        http(ago(2.5 * MIN), '/api/b', 502),
        http(ago(2.5 * MIN), '/api/b', 502),
        { type: 'ai.call', ts: ago(5.5 * MIN), model: 'm1', status: 'error', durationMs: 1 },
        { type: 'ai.call', ts: ago(5.4 * MIN), model: 'm1', status: 'error', durationMs: 1 },
        { type: 'ai.call', ts: ago(4.5 * MIN), model: 'm1', status: 'error', durationMs: 1 },
        { type: 'ai.call', ts: ago(4.4 * MIN), model: 'm1', status: 'ok', durationMs: 1 },
        { type: 'ai.call', ts: ago(4.5 * MIN), model: 'm2', status: 'error', durationMs: 1 },
      ]);
      // Same moments in another project: never counted.
      await insertEvents(other.id, [
        http(ago(7.5 * MIN), '/api/a', 200),
        http(ago(0.5 * MIN), '/api/a', 200),
      ]);
    });

    it('computes the error rate over the rule window ending at each point, every minute', async () => {
      const series = await loadMetricSeries(project.id, rule('error-rate'), '', WINDOW.from, WINDOW.to);
      expect(series.bucketMs).toBe(MIN);
      expect(series.points.map((p) => NOW.getTime() - p.t)).toEqual(
        [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((m) => m * MIN),
      );
      expect(series.points.map((p) => p.value)).toEqual([
        null,
        null,
        null,
        0.25,
        0.25,
        0.25,
        0.25,
        0.25,
        1,
        1,
        1,
      ]);
      expect(series.points.map((p) => p.samples)).toEqual([0, 0, 0, 4, 4, 4, 4, 4, 2, 2, 2]);
      expect(series.method).toMatch(/over the 5 min before it/);
      // A range ending between minutes ends on a point of its own: (NOW - 7.25 min, NOW - 2.25 min] holds only the two 502s.
      const late = await loadMetricSeries(project.id, rule('error-rate'), '', WINDOW.from, ago(2.25 * MIN));
      expect(late.points.slice(-2).map((p) => [NOW.getTime() - p.t, p.value])).toEqual([
        [3 * MIN, 0.25],
        [2.25 * MIN, 1],
      ]);
    });

    it('keeps to the group of a grouped rule', async () => {
      const byRoute = {
        ...(rule('error-rate') as Extract<StoredRule, { kind: 'threshold' }>),
        groupBy: 'route' as const,
      };
      const series = await loadMetricSeries(project.id, byRoute, '/api/a', WINDOW.from, WINDOW.to);
      expect(series.points.map((p) => p.value)).toEqual([
        null,
        null,
        null,
        0.25,
        0.25,
        0.25,
        0.25,
        0.25,
        null,
        null,
        null,
      ]);
    });

    it('counts matching events per bucket for a consecutive rule, per model', async () => {
      const series = await loadMetricSeries(
        project.id,
        rule('ai-consecutive-failures'),
        'm1',
        WINDOW.from,
        WINDOW.to,
      );
      expect(series.points.map((p) => p.value)).toEqual([0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0]);
    });

    it('adds up the spend of the UTC day for a budget rule, and projects it', async () => {
      const budgetProject = await newProject('alerts-ui-budget');
      const day = Math.floor(Date.now() / DAY) * DAY - DAY;
      const at = (h: number, m = 0) => new Date(day + h * HOUR + m * MIN);
      await insertEvents(budgetProject.id, [
        { type: 'ai.call', ts: new Date(day - HOUR), model: 'm', durationMs: 1, costUsd: 100 },
        { type: 'ai.call', ts: at(10), model: 'm', durationMs: 1, costUsd: 1 },
        { type: 'ai.call', ts: at(11, 30), model: 'm', durationMs: 1, costUsd: 2 },
        { type: 'ai.call', ts: at(12, 15), model: 'm', durationMs: 1, costUsd: 4 },
        { type: 'response.sent', ts: at(11, 45), durationMs: 1, costUsd: 50 },
      ]);
      const series = await loadMetricSeries(budgetProject.id, rule('daily-spend'), '', at(11), at(12, 30));
      expect(series.points).toHaveLength(91);
      const point = (h: number, m: number) => series.points.find((p) => p.t === at(h, m).getTime());
      expect(
        [point(11, 0), point(11, 30), point(11, 31), point(12, 15), point(12, 16), point(12, 30)].map(
          (p) => p?.value,
        ),
      ).toEqual([1, 1, 3, 3, 7, 7]);
      expect(point(12, 0)?.projected).toBe(6);
    });

    it('counts failed health checks in a row for a health rule, per dependency', async () => {
      const db = await getDb();
      // Health checks are installation-wide: a random minute five days back that no other test writes to.
      const base = Math.floor(Date.now() / DAY) * DAY - 5 * DAY + Math.floor(Math.random() * 1000) * MIN;
      const states = ['fail', 'ok', 'fail', 'not_configured', 'fail', 'fail'] as const;
      const inserted = await db
        .insert(schema.healthChecks)
        .values(
          states.map((state, i) => ({
            dependency: 'auth' as const,
            state,
            checkedAt: new Date(base + (i + 1) * MIN),
          })),
        )
        .returning({ id: schema.healthChecks.id });
      try {
        const series = await loadMetricSeries(
          project.id,
          rule('dependency-down'),
          'auth',
          new Date(base),
          new Date(base + 7 * MIN),
        );
        expect(series.points.map((p) => p.value)).toEqual([null, 1, 0, 1, 1, 2, 3, 3]);
      } finally {
        await db.delete(schema.healthChecks).where(
          inArray(
            schema.healthChecks.id,
            inserted.map((r) => r.id),
          ),
        );
      }
    });
  });

  describe('acknowledge', () => {
    it('acknowledges a firing alert once, and says why not afterwards', async () => {
      const ack = await acknowledgeAlert(project.id, rule('error-rate').id, '', ADMIN, NOW);
      expect(ack).toMatchObject({
        ruleName: 'Error rate above 1%',
        acknowledgedBy: 'ada@example.com',
        acknowledgedAt: NOW,
      });
      const [instance] = (await queries.listActiveAlerts(project.id)).filter(
        (a) => a.rule.key === 'error-rate',
      );
      expect(instance).toMatchObject({ acknowledgedAt: NOW, acknowledgedBy: 'ada@example.com' });
      const audit = await auditOf(project.id, 'alert.acknowledged');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: 'ada@example.com',
        target: 'Error rate above 1%',
        details: { ruleId: rule('error-rate').id, groupKey: '', value: 0.25 },
      });

      await expect(acknowledgeAlert(project.id, rule('error-rate').id, '', MEMBER)).rejects.toMatchObject({
        code: 'bad_request',
        message: expect.stringMatching(/already acknowledged by ada@example.com/),
      });
      await expect(
        acknowledgeAlert(project.id, rule('p95-response-time').id, '', MEMBER),
      ).rejects.toMatchObject({
        code: 'bad_request',
        message: expect.stringMatching(/pending, not firing/),
      });
      await expect(
        acknowledgeAlert(project.id, rule('cache-hit-rate').id, 'nope', MEMBER),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect(await auditOf(project.id, 'alert.acknowledged')).toHaveLength(1);
    });

    it('lets a viewer of the project (a member of its organization) acknowledge through the server action', async () => {
      asOrgMember();
      const result = await actions.acknowledgeAlertAction(
        null,
        form({ projectId: project.id, ruleId: rule('ai-consecutive-failures').id, groupKey: 'claude-x' }),
      );
      expect(result).toMatchObject({ ok: expect.stringMatching(/Acknowledged "3 consecutive AI failures"/) });
      const again = await actions.acknowledgeAlertAction(
        null,
        form({ projectId: project.id, ruleId: rule('ai-consecutive-failures').id, groupKey: 'claude-x' }),
      );
      expect(again).toMatchObject({
        error: expect.stringMatching(/already acknowledged by viewer@example.com/),
      });
    });
  });

  describe('silences', () => {
    it('refuses members, past or far end times, long reasons and foreign rules', async () => {
      const now = new Date();
      const input = {
        ruleId: rule('error-rate').id,
        groupKey: null,
        endsAt: new Date(now.getTime() + HOUR),
        reason: 'deploy',
      };
      await expect(createSilence(project.id, input, MEMBER, now)).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(
        createSilence(project.id, { ...input, endsAt: new Date(now.getTime() - MIN) }, ADMIN, now),
      ).rejects.toMatchObject({
        code: 'bad_request',
        message: expect.stringMatching(/already passed/),
      });
      await expect(
        createSilence(project.id, { ...input, endsAt: new Date(now.getTime() + 31 * DAY) }, ADMIN, now),
      ).rejects.toMatchObject({
        code: 'bad_request',
        message: expect.stringMatching(/at most 30 days/),
      });
      await expect(
        createSilence(project.id, { ...input, reason: 'x'.repeat(501) }, ADMIN, now),
      ).rejects.toMatchObject({ code: 'bad_request' });
      const [foreign] = await (
        await getDb()
      )
        .select()
        .from(schema.alertRules)
        .where(eq(schema.alertRules.projectId, other.id))
        .limit(1);
      await expect(
        createSilence(project.id, { ...input, ruleId: foreign!.id }, ADMIN, now),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect(await queries.listActiveSilences(project.id)).toEqual([]);
      expect(await auditOf(project.id, 'silence.created')).toEqual([]);
    });

    it('creates silences that show as active until ended, each change audited', async () => {
      const now = new Date();
      const { silence } = await createSilence(
        project.id,
        {
          ruleId: rule('error-rate').id,
          groupKey: null,
          endsAt: new Date(now.getTime() + HOUR),
          reason: ' planned deploy ',
        },
        ADMIN,
        now,
      );
      await createSilence(
        project.id,
        { ruleId: null, groupKey: 'claude-x', endsAt: new Date(now.getTime() + 30 * DAY), reason: '' },
        ADMIN,
        now,
      );
      const active = await queries.listActiveSilences(project.id);
      expect(active.map((s) => [s.ruleName, s.groupKey, s.reason, s.createdBy])).toEqual([
        ['Error rate above 1%', null, 'planned deploy', 'ada@example.com'],
        [null, 'claude-x', '', 'ada@example.com'],
      ]);
      const overview = await queries.loadAlertsOverview(project.id, now);
      expect(overview.alerts.map((a) => [a.rule.key, a.silencedUntil?.getTime() ?? null])).toEqual([
        ['ai-consecutive-failures', now.getTime() + 30 * DAY],
        ['error-rate', now.getTime() + HOUR],
        ['p95-response-time', null],
      ]);
      expect(overview.rules).toHaveLength(17);
      const created = await auditOf(project.id, 'silence.created');
      expect(created.map((a) => a.target)).toEqual([
        'Error rate above 1% · every group',
        'All rules · claude-x',
      ]);
      expect(created[0]!.details).toMatchObject({ silenceId: silence.id, reason: 'planned deploy' });

      await expect(endSilence(project.id, silence.id, MEMBER)).rejects.toMatchObject({ code: 'forbidden' });
      await endSilence(project.id, silence.id, ADMIN);
      expect((await queries.listActiveSilences(project.id)).map((s) => s.groupKey)).toEqual(['claude-x']);
      await expect(endSilence(project.id, silence.id, ADMIN)).rejects.toMatchObject({ code: 'not_found' });
      // This project's silence asked for through another project: its admin finds nothing there ...
      await expect(
        endSilence(other.id, active[1]!.id, { ...ADMIN, projectId: other.id, projectSlug: other.slug }),
      ).rejects.toMatchObject({ code: 'not_found' });
      // ... and a member object resolved for this project authorizes nothing in another one.
      await expect(endSilence(other.id, active[1]!.id, ADMIN)).rejects.toMatchObject({ code: 'forbidden' });
      expect((await auditOf(project.id, 'silence.ended')).map((a) => [a.actor, a.target])).toEqual([
        ['ada@example.com', 'Error rate above 1% · every group'],
      ]);
    });

    it('runs through the server actions: admins only, with the form durations', async () => {
      asOrgMember();
      const fields = {
        projectId: project.id,
        ruleId: rule('p95-response-time').id,
        duration: '4h',
        reason: 'load test',
      };
      expect(await actions.createSilenceAction(null, form(fields))).toMatchObject({
        error: expect.stringMatching(/^Only admins of this project can create silences/),
      });
      signedInAsAdmin();
      expect(
        await actions.createSilenceAction(null, form({ ...fields, duration: 'custom', endsAt: '' })),
      ).toMatchObject({
        error: expect.stringMatching(/Enter the end time/),
      });
      const before = Date.now();
      expect(await actions.createSilenceAction(null, form(fields))).toMatchObject({
        ok: expect.stringMatching(/^Silenced p95 time to first response above 2 s · every group until/),
      });
      const created = (await queries.listActiveSilences(project.id)).find(
        (s) => s.ruleId === rule('p95-response-time').id,
      )!;
      expect(created.endsAt.getTime() - before).toBeGreaterThanOrEqual(4 * HOUR);
      expect(created.endsAt.getTime() - Date.now()).toBeLessThanOrEqual(4 * HOUR);
      expect(
        await actions.endSilenceAction(null, form({ projectId: project.id, silenceId: created.id })),
      ).toMatchObject({ ok: expect.stringMatching(/Ended/) });
    });
  });
});
