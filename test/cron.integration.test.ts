import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The route runs the storage upkeep in `after()`, which needs a request scope outside `next start`: run it now.
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  after: (task: Promise<unknown> | (() => unknown)) => {
    void Promise.resolve(typeof task === 'function' ? task() : task).catch(() => {});
  },
}));

// A real webhook receiver on loopback that records every body it is sent and can be told to fail
// the next error-rate notifications.
type Received = {
  path: string;
  status: number;
  body: Record<string, unknown> & { project?: { slug?: string }; rule?: { key?: string } };
};
const received: Received[] = [];
let failNext = 0;
let mySlug = '';
const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Received['body'];
    // Only error-rate notifications fail, so other rules firing at the same time do not use up the failures.
    // (A shared Postgres database may hold earlier runs' projects whose deliveries land here too.)
    const fail = failNext > 0 && body.rule?.key === 'error-rate' && body.project?.slug === mySlug;
    if (fail) failNext--;
    const status = fail ? 500 : 200;
    received.push({ path: req.url ?? '', status, body });
    res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as AddressInfo).port;

const CRON_SECRET = `cron-${randomUUID()}`;
process.env.ALERT_WEBHOOK_URL = `http://127.0.0.1:${port}/hook`;
// The test receivers listen on loopback, which channels may reach only when the operator allows it.
process.env.CHANNEL_ALLOWED_HOSTS = '127.0.0.1';
process.env.CRON_SECRET = CRON_SECRET;
process.env.PUBLIC_URL = 'http://chatwatch.test';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { ingestBatch } = await import('@/lib/ingest/ingest');
const { seedDefaultRules } = await import('@/lib/alerts/rules/seed');
const { runAlerts } = await import('@/lib/alerts/run/run-alerts');
const { GET } = await import('@/app/api/cron/alerts/route');

const SEC = 1000;
const MIN = 60 * SEC;
// Three hours ago, on a whole minute: inside retention, and the real-time route call below sees none of it.
const T0 = new Date(Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN);
const T1 = new Date(T0.getTime() + 10 * MIN);
const T2 = new Date(T1.getTime() + 10 * MIN);

let project: typeof schema.projects.$inferSelect;

/**
 * Runs once, waiting out the lock of a run from another test file (they share Redis and Postgres).
 * `only`: this project alone, so other files' projects are neither evaluated at this test's times nor sent.
 */
async function run(now: Date, only?: string) {
  for (;;) {
    const summary = await runAlerts(now, only ? { projectIds: [only] } : {});
    if (!summary.skipped) return summary;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `count` requests spread over the 100 s before `end`, the first `failures` of them 502s. */
async function ingestRequests(end: Date, count: number, failures: number) {
  const events = Array.from({ length: count }, (_, i) => ({
    type: 'http.request',
    route: '/api/chat',
    status: i < failures ? 502 : 200,
    durationMs: 40,
    timestamp: end.getTime() - 100 * SEC + i * SEC,
  }));
  const result = await ingestBatch(project.id, { events });
  expect(result.body.accepted).toBe(count);
}

/** Successful (2xx) error-rate notifications of this test's project. */
const errorRate = () =>
  received.filter(
    (r) => r.status === 200 && r.body.project?.slug === project.slug && r.body.rule?.key === 'error-rate',
  );
const mine = () => received.filter((r) => r.body.project?.slug === project.slug);

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

// Every run evaluates every project in the database; a shared Postgres test database holds many.
describe(
  `alerts cron against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`,
  { timeout: 180_000 },
  () => {
    beforeAll(async () => {
      const db = await getDb();
      [project] = (await db
        .insert(schema.projects)
        .values({ slug: `cron-${randomUUID().slice(0, 12)}`, name: 'cron test' })
        .returning()) as [typeof schema.projects.$inferSelect];
      mySlug = project.slug;
      expect(await seedDefaultRules(project.id)).toBe(17);
    });

    it('fires once when the error rate breaks its rule, even with two concurrent runs', async () => {
      await ingestRequests(T0, 30, 10);
      // Another file's run may hold the lock: then both are skipped, and the pair is tried again.
      let [a, b] = await Promise.all([runAlerts(T0), runAlerts(T0)]);
      while (a.skipped && b.skipped) [a, b] = await Promise.all([runAlerts(T0), runAlerts(T0)]);
      const ran = [a, b].find((s) => !s.skipped)!;
      expect(ran.rulesEvaluated).toBeGreaterThanOrEqual(10);
      expect(ran.transitions).toBeGreaterThanOrEqual(1);
      expect(ran.notificationsSent).toBeGreaterThanOrEqual(1);
      expect(errorRate()).toHaveLength(1);
      expect(errorRate()[0]!.body).toMatchObject({
        kind: 'firing',
        state: 'firing',
        severity: 'P1',
        rule: { key: 'error-rate' },
        threshold: 0.01,
        window: '5m',
        startedAt: T0.toISOString(),
      });
      expect(errorRate()[0]!.body.value).toBeCloseTo(10 / 30, 6);
      const db = await getDb();
      const [rule] = await db
        .select()
        .from(schema.alertRules)
        .where(and(eq(schema.alertRules.projectId, project.id), eq(schema.alertRules.key, 'error-rate')));
      expect(errorRate()[0]!.body.dedupKey).toBe(`${project.id}:${rule!.id}:`);
      const [instance] = await db
        .select()
        .from(schema.alertInstances)
        .where(
          and(eq(schema.alertInstances.projectId, project.id), eq(schema.alertInstances.ruleId, rule!.id)),
        );
      expect(instance).toMatchObject({ state: 'firing', lastNotifiedAt: T0 });
    });

    it('sends nothing new on repeated and concurrent runs while the alert keeps firing', async () => {
      const before = mine().length;
      await run(T0);
      await run(new Date(T0.getTime() + 30 * SEC));
      await Promise.all([runAlerts(new Date(T0.getTime() + MIN)), runAlerts(new Date(T0.getTime() + MIN))]);
      expect(mine()).toHaveLength(before);
      expect(errorRate()).toHaveLength(1);
    });

    it('sends one resolved notification once the window holds only successful requests', async () => {
      await ingestRequests(T1, 30, 0);
      const summary = await run(T1);
      expect(summary.skipped).toBeUndefined();
      const resolved = errorRate().filter((r) => r.body.kind === 'resolved');
      expect(resolved).toHaveLength(1);
      expect(resolved[0]!.body).toMatchObject({
        state: 'resolved',
        value: 0,
        startedAt: T0.toISOString(),
        resolvedAt: T1.toISOString(),
      });
      await run(new Date(T1.getTime() + 30 * SEC));
      expect(errorRate()).toHaveLength(2);
    });

    it('retries a receiver that fails twice and delivers once it recovers', async () => {
      await ingestRequests(T2, 30, 30);
      failNext = 2;
      const first = await run(T2);
      expect(first.notificationsFailed).toBeGreaterThanOrEqual(1);
      expect(errorRate()).toHaveLength(2);
      // Not due yet: the first retry waits 30 s.
      await run(new Date(T2.getTime() + 10 * SEC));
      expect(errorRate()).toHaveLength(2);
      await run(new Date(T2.getTime() + 31 * SEC)); // second failure; next try 60 s later
      expect(errorRate()).toHaveLength(2);
      const failed = received.filter(
        (r) => r.status === 500 && r.body.project?.slug === project.slug && r.body.rule?.key === 'error-rate',
      );
      expect(failed).toHaveLength(2);
      const last = await run(new Date(T2.getTime() + 95 * SEC));
      expect(last.notificationsSent).toBeGreaterThanOrEqual(1);
      expect(errorRate()).toHaveLength(3);
      expect(errorRate()[2]!.body).toMatchObject({
        kind: 'firing',
        state: 'firing',
        startedAt: T2.toISOString(),
        value: 1,
      });

      const db = await getDb();
      const deliveries = await db
        .select()
        .from(schema.notificationDeliveries)
        .where(eq(schema.notificationDeliveries.projectId, project.id));
      const retried = deliveries.find((d) => d.attempt === 3);
      expect(retried).toMatchObject({
        status: 'sent',
        channel: 'env:webhook',
        responseStatus: 200,
        lastError: null,
      });
      expect(deliveries.every((d) => d.status === 'sent')).toBe(true);
    });

    it('the route answers 401 without or with a wrong secret and the run summary with it', async () => {
      const url = 'http://test/api/cron/alerts';
      const none = await GET(new Request(url));
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
      const wrong = await GET(new Request(url, { headers: { Authorization: `Bearer ${CRON_SECRET}x` } }));
      expect(wrong.status).toBe(401);
      const before = mine().length;
      const ok = await GET(new Request(url, { headers: { Authorization: `Bearer ${CRON_SECRET}` } }));
      expect(ok.status).toBe(200);
      const summary = (await ok.json()) as Record<string, unknown>;
      expect(summary).toMatchObject({
        rulesEvaluated: expect.any(Number),
        transitions: expect.any(Number),
        notificationsSent: expect.any(Number),
        notificationsFailed: expect.any(Number),
        durationMs: expect.any(Number),
      });
      expect(summary.skipped).toBeUndefined();
      // The real-time run sees none of this test's (hours old) traffic: the firing alert stays firing, no new notification.
      expect(mine()).toHaveLength(before);
    });
  },
);

// Repeats, acknowledgement, silences, `send resolved`, settings channels and the digest, on a timeline two
// days back (inside retention, and no real-time run can reach it). In this file so no other file's runs
// evaluate this project at other times meanwhile.
describe('repeats, ack, silences and the digest', { timeout: 180_000 }, () => {
  const HOUR = 60 * MIN;
  const dayStart = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 2 * 24 * HOUR;
  const day = new Date(dayStart).toISOString().slice(0, 10);
  const A0 = new Date(dayStart + HOUR); // incident 1 fires
  const A1 = new Date(dayStart + 9 * HOUR); // it resolves
  const A2 = new Date(dayStart + 10 * HOUR); // incident 2 fires, silenced
  let p: typeof schema.projects.$inferSelect;
  let dbChannelId = '';
  let errorRuleId = '';

  const runHere = (now: Date) => run(now, p.id);
  async function requests(end: Date, count: number, failures: number) {
    const events = Array.from({ length: count }, (_, i) => ({
      type: 'http.request',
      route: '/api/chat',
      status: i < failures ? 502 : 200,
      durationMs: 40,
      timestamp: end.getTime() - 100 * SEC + i * SEC,
    }));
    expect((await ingestBatch(p.id, { events })).body.accepted).toBe(count);
  }
  const mineOn = (path: string, key = 'error-rate') =>
    received.filter(
      (r) =>
        r.path === path && r.status === 200 && r.body.project?.slug === p.slug && r.body.rule?.key === key,
    );
  const kinds = (path: string, key?: string) => mineOn(path, key).map((r) => r.body.kind);

  beforeAll(async () => {
    const db = await getDb();
    [p] = (await db
      .insert(schema.projects)
      .values({ slug: `sched-${randomUUID().slice(0, 12)}`, name: 'schedule test' })
      .returning()) as [typeof schema.projects.$inferSelect];
    await seedDefaultRules(p.id);
    const [channel] = await db
      .insert(schema.notificationChannels)
      .values({
        projectId: p.id,
        name: 'ops hook',
        type: 'webhook',
        config: { type: 'webhook', url: `http://127.0.0.1:${port}/db-hook` },
        severities: ['P1', 'P2'],
        sendResolved: false,
      })
      .returning();
    dbChannelId = channel!.id;
    const [rule] = await db
      .select()
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, p.id), eq(schema.alertRules.key, 'error-rate')));
    errorRuleId = rule!.id;
  });

  it('notifies the env and the settings channel, then repeats every 4 h, once per interval', async () => {
    await requests(A0, 30, 10);
    await runHere(A0);
    expect(kinds('/hook')).toEqual(['firing']);
    expect(kinds('/db-hook')).toEqual(['firing']);
    await runHere(new Date(A0.getTime() + 4 * HOUR - SEC));
    expect(kinds('/hook')).toEqual(['firing']);
    await runHere(new Date(A0.getTime() + 4 * HOUR));
    await runHere(new Date(A0.getTime() + 4 * HOUR + 30 * SEC));
    expect(kinds('/hook')).toEqual(['firing', 'repeat']);
    expect(kinds('/db-hook')).toEqual(['firing', 'repeat']);
    const repeat = mineOn('/hook').at(-1)!.body;
    expect(repeat).toMatchObject({ state: 'firing', startedAt: A0.toISOString() });
    const db = await getDb();
    const rows = await db
      .select({
        kind: schema.notificationDeliveries.kind,
        seq: schema.notificationDeliveries.seq,
        status: schema.notificationDeliveries.status,
      })
      .from(schema.notificationDeliveries)
      .innerJoin(
        schema.alertTransitions,
        and(
          eq(schema.alertTransitions.projectId, schema.notificationDeliveries.projectId),
          eq(schema.alertTransitions.id, schema.notificationDeliveries.transitionId),
        ),
      )
      .where(
        and(
          eq(schema.notificationDeliveries.projectId, p.id),
          eq(schema.notificationDeliveries.channel, `db:${dbChannelId}`),
          eq(schema.alertTransitions.ruleId, errorRuleId),
        ),
      );
    expect(rows.map((r) => [r.kind, r.seq, r.status]).sort()).toEqual([
      ['firing', 0, 'sent'],
      ['repeat', 1, 'sent'],
    ]);
  });

  it('an acknowledged alert is not repeated, and resolves only where send resolved is on', async () => {
    const db = await getDb();
    await db
      .update(schema.alertInstances)
      .set({ acknowledgedAt: new Date(A0.getTime() + 5 * HOUR), acknowledgedBy: 'test' })
      .where(and(eq(schema.alertInstances.projectId, p.id), eq(schema.alertInstances.ruleId, errorRuleId)));
    await runHere(new Date(A0.getTime() + 8 * HOUR));
    expect(kinds('/hook')).toEqual(['firing', 'repeat']);
    await requests(A1, 30, 0);
    await runHere(A1);
    expect(kinds('/hook')).toEqual(['firing', 'repeat', 'resolved']);
    expect(kinds('/db-hook')).toEqual(['firing', 'repeat']);
  });

  it('a silence holds back its rule only, and the alert is sent once the silence ends', async () => {
    const db = await getDb();
    await db.insert(schema.silences).values({
      projectId: p.id,
      ruleId: errorRuleId,
      endsAt: new Date(A2.getTime() + 10 * MIN),
      reason: 'deploy',
    });
    await requests(A2, 30, 10);
    const logins = Array.from({ length: 6 }, (_, i) => ({
      type: 'auth.attempt',
      outcome: 'failure',
      timestamp: A2.getTime() - 60 * SEC + i * SEC,
    }));
    expect((await ingestBatch(p.id, { events: logins })).body.accepted).toBe(6);
    await runHere(A2);
    // The other rule is not silenced.
    expect(kinds('/hook', 'failed-logins')).toEqual(['firing']);
    expect(kinds('/hook')).toEqual(['firing', 'repeat', 'resolved']);
    await runHere(new Date(A2.getTime() + 5 * MIN));
    expect(kinds('/hook')).toEqual(['firing', 'repeat', 'resolved']);
    // Silence over; the alert still fires (no data since does not resolve it), unacknowledged: it fired anew.
    await runHere(new Date(A2.getTime() + 11 * MIN));
    expect(kinds('/hook')).toEqual(['firing', 'repeat', 'resolved', 'firing']);
    expect(mineOn('/hook').at(-1)!.body).toMatchObject({ startedAt: A2.toISOString() });
    const [instance] = await db
      .select()
      .from(schema.alertInstances)
      .where(and(eq(schema.alertInstances.projectId, p.id), eq(schema.alertInstances.ruleId, errorRuleId)));
    expect(instance).toMatchObject({ state: 'firing', acknowledgedAt: null });
  });

  it("sends the day's digest once, from 08:00 UTC the next day", async () => {
    const digests = () =>
      received.filter((r) => r.status === 200 && r.body.kind === 'digest' && r.body.project?.slug === p.slug);
    const next = dayStart + 24 * HOUR;
    await runHere(new Date(next + 7 * HOUR));
    expect(digests()).toHaveLength(0);
    await runHere(new Date(next + 8 * HOUR));
    await runHere(new Date(next + 9 * HOUR));
    expect(
      digests()
        .map((d) => d.path)
        .sort(),
    ).toEqual(['/db-hook', '/hook']);
    const body = digests()[0]!.body as unknown as {
      day: string;
      incidents: { ruleKey: string; startedAt: string; resolvedAt: string | null }[];
      lowPriority: unknown[];
    };
    expect(body.day).toBe(day);
    expect(body.lowPriority).toEqual([]);
    // The 5xx bursts also break API availability (P1), which is not silenced.
    expect(body.incidents.map((i) => [i.ruleKey, i.startedAt, i.resolvedAt])).toEqual([
      ['api-availability', A0.toISOString(), A1.toISOString()],
      ['error-rate', A0.toISOString(), A1.toISOString()],
      ['api-availability', A2.toISOString(), null],
      ['error-rate', A2.toISOString(), null],
      ['failed-logins', A2.toISOString(), expect.any(String)],
    ]);
  });
  it('a firing notification still retrying when the alert resolves is superseded, not sent after the resolved one', async () => {
    const A3 = new Date(dayStart + 12 * HOUR);
    const A4 = new Date(A3.getTime() + 10 * MIN);
    const A5 = new Date(A4.getTime() + 10 * MIN);
    await requests(A3, 30, 0);
    await runHere(A3); // incident 2 resolves
    const before = mineOn('/hook').length;
    mySlug = p.slug;
    failNext = 2; // the firing notification fails on both webhooks
    await requests(A4, 30, 10);
    await runHere(A4);
    expect(mineOn('/hook')).toHaveLength(before);
    await requests(A5, 30, 0);
    await runHere(A5);
    await runHere(new Date(A5.getTime() + 2 * MIN));
    expect(kinds('/hook').slice(before)).toEqual(['resolved']);
    expect(mineOn('/hook').at(-1)!.body).toMatchObject({
      startedAt: A4.toISOString(),
      resolvedAt: A5.toISOString(),
    });
    const db = await getDb();
    const rows = await db
      .select({
        kind: schema.notificationDeliveries.kind,
        status: schema.notificationDeliveries.status,
        lastError: schema.notificationDeliveries.lastError,
      })
      .from(schema.notificationDeliveries)
      .innerJoin(
        schema.alertTransitions,
        and(
          eq(schema.alertTransitions.projectId, schema.notificationDeliveries.projectId),
          eq(schema.alertTransitions.id, schema.notificationDeliveries.transitionId),
        ),
      )
      .where(
        and(
          eq(schema.notificationDeliveries.projectId, p.id),
          eq(schema.alertTransitions.ruleId, errorRuleId),
          eq(schema.alertTransitions.at, A4),
        ),
      );
    expect(rows).toHaveLength(2);
    expect(
      rows.every(
        (r) => r.kind === 'firing' && r.status === 'failed' && r.lastError?.startsWith('superseded'),
      ),
    ).toBe(true);
  });

  it('an alert whose rule is disabled while firing resolves, and is not evaluated again', async () => {
    const A6 = new Date(dayStart + 14 * HOUR);
    const logins = Array.from({ length: 5 }, (_, i) => ({
      type: 'auth.attempt',
      outcome: 'failure',
      timestamp: A6.getTime() - 30 * SEC + i * SEC,
    }));
    expect((await ingestBatch(p.id, { events: logins })).body.accepted).toBe(5);
    const before = kinds('/hook', 'failed-logins').length;
    await runHere(A6);
    expect(kinds('/hook', 'failed-logins').slice(before)).toEqual(['firing']);
    const db = await getDb();
    await db
      .update(schema.alertRules)
      .set({ enabled: false })
      .where(and(eq(schema.alertRules.projectId, p.id), eq(schema.alertRules.key, 'failed-logins')));
    await runHere(new Date(A6.getTime() + 20 * SEC));
    await runHere(new Date(A6.getTime() + 40 * SEC));
    expect(kinds('/hook', 'failed-logins').slice(before)).toEqual(['firing', 'resolved']);
    const [rule] = await db
      .select()
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, p.id), eq(schema.alertRules.key, 'failed-logins')));
    const [instance] = await db
      .select()
      .from(schema.alertInstances)
      .where(and(eq(schema.alertInstances.projectId, p.id), eq(schema.alertInstances.ruleId, rule!.id)));
    expect(instance).toMatchObject({ state: 'resolved', lastEvaluatedAt: new Date(A6.getTime() + 20 * SEC) });
  });

  it('a model gone from the data has no data: an ok alert says so, a firing one keeps firing', async () => {
    const B0 = new Date(dayStart + 16 * HOUR);
    const call = (model: string, ok: boolean, secondsAgo: number) => ({
      type: 'ai.call',
      model,
      durationMs: 300,
      ...(ok ? {} : { status: 'error', errorType: 'overloaded' }),
      timestamp: B0.getTime() - secondsAgo * SEC,
    });
    const events = [
      call('m-x', false, 30),
      call('m-x', false, 20),
      call('m-x', false, 10),
      call('m-y', true, 10),
    ];
    expect((await ingestBatch(p.id, { events })).body.accepted).toBe(4);
    await runHere(B0);
    const db = await getDb();
    const [rule] = await db
      .select()
      .from(schema.alertRules)
      .where(
        and(eq(schema.alertRules.projectId, p.id), eq(schema.alertRules.key, 'ai-consecutive-failures')),
      );
    const states = async () =>
      Object.fromEntries(
        (
          await db
            .select()
            .from(schema.alertInstances)
            .where(and(eq(schema.alertInstances.projectId, p.id), eq(schema.alertInstances.ruleId, rule!.id)))
        )
          .filter((i) => i.groupKey.startsWith('m-'))
          .map((i) => [i.groupKey, [i.state, i.lastEvaluatedAt.getTime()]]),
      );
    expect(await states()).toEqual({ 'm-x': ['firing', B0.getTime()], 'm-y': ['ok', B0.getTime()] });
    // Still within the hour: the streak stays open without traffic.
    await runHere(new Date(B0.getTime() + 30 * MIN));
    expect((await states())['m-x']![0]).toBe('firing');
    const later = new Date(B0.getTime() + 2 * HOUR);
    await runHere(later);
    expect(await states()).toEqual({
      'm-x': ['firing', later.getTime()],
      'm-y': ['no_data', later.getTime()],
    });
  });

  it("the next day's digest lists the alerts still firing from the day before", async () => {
    const B0 = new Date(dayStart + 16 * HOUR); // the m-x streak of the test above, never ended by a success
    const nextDay = new Date(dayStart + 24 * HOUR).toISOString().slice(0, 10);
    const digests = () =>
      received.filter(
        (r) =>
          r.status === 200 &&
          r.body.kind === 'digest' &&
          r.body.project?.slug === p.slug &&
          (r.body as { day?: string }).day === nextDay,
      );
    await runHere(new Date(dayStart + 56 * HOUR));
    expect(
      digests()
        .map((d) => d.path)
        .sort(),
    ).toEqual(['/db-hook', '/hook']);
    const body = digests()[0]!.body as unknown as {
      incidents: { ruleKey: string; group: string | null; startedAt: string; resolvedAt: string | null }[];
    };
    expect(body.incidents).toContainEqual({
      ruleKey: 'ai-consecutive-failures',
      ruleName: '3 consecutive AI failures',
      severity: 'P1',
      group: 'm-x',
      startedAt: B0.toISOString(),
      resolvedAt: null,
    });
    // Nothing that ended before the day began.
    expect(
      body.incidents.every((i) => i.resolvedAt === null || i.resolvedAt >= `${nextDay}T00:00:00.000Z`),
    ).toBe(true);
  });
});

describe('two runs that overlap without the KV lock', () => {
  it('move an instance once and queue its notifications once', async () => {
    const { loadRunContext } = await import('@/lib/alerts/run/context');
    const { evaluateAll } = await import('@/lib/alerts/run/evaluate');
    const db = await getDb();
    const [p] = await db
      .insert(schema.projects)
      .values({ slug: `race-${randomUUID().slice(0, 12)}`, name: 'race test' })
      .returning();
    await seedDefaultRules(p!.id);
    const R0 = new Date(Math.floor((Date.now() - 5 * 60 * MIN) / MIN) * MIN);
    const events = Array.from({ length: 30 }, (_, i) => ({
      type: 'http.request',
      route: '/api/chat',
      status: i < 10 ? 502 : 200,
      durationMs: 40,
      timestamp: R0.getTime() - 100 * SEC + i * SEC,
    }));
    expect((await ingestBatch(p!.id, { events })).body.accepted).toBe(30);
    // Both read the instances before either writes, as two runs would when the lock is gone.
    const [a, b] = await Promise.all([
      loadRunContext(R0, undefined, [p!.id]),
      loadRunContext(new Date(R0.getTime() + SEC), undefined, [p!.id]),
    ]);
    const log = () => {};
    const [ra, rb] = await Promise.all([evaluateAll(a, log), evaluateAll(b, log)]);
    expect(ra.rulesFailed + rb.rulesFailed).toBe(0);
    const transitions = await db
      .select()
      .from(schema.alertTransitions)
      .where(
        and(eq(schema.alertTransitions.projectId, p!.id), eq(schema.alertTransitions.toState, 'firing')),
      );
    // error-rate and api-availability (and the installation-wide dependency rule if other files' health rows
    // trip it), each once.
    expect(transitions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(transitions.map((t) => t.ruleId)).size).toBe(transitions.length);
    const deliveries = await db
      .select()
      .from(schema.notificationDeliveries)
      .where(eq(schema.notificationDeliveries.projectId, p!.id));
    // One per firing transition, to the env webhook (the dependency alert only if this project claimed it:
    // the installation hears of a shared dependency once).
    const [dependency] = await db
      .select({ id: schema.alertRules.id })
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, p!.id), eq(schema.alertRules.key, 'dependency-down')));
    const own = transitions.filter((t) => t.ruleId !== dependency!.id).map((t) => t.id);
    expect(
      deliveries
        .map((d) => d.transitionId)
        .filter((id) => id !== null && own.includes(id))
        .sort(),
    ).toEqual(own.sort());
    expect(deliveries).toHaveLength(new Set(deliveries.map((d) => d.transitionId)).size);
  });
});
