import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real webhook receiver on loopback that records every body it is sent and can be told to fail
// the next error-rate notifications.
type Received = { status: number; body: Record<string, unknown> & { project?: { slug?: string }; rule?: { key?: string } } };
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
    received.push({ status, body });
    res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as AddressInfo).port;

const CRON_SECRET = `cron-${randomUUID()}`;
process.env.ALERT_WEBHOOK_URL = `http://127.0.0.1:${port}/hook`;
process.env.CRON_SECRET = CRON_SECRET;
process.env.PUBLIC_URL = 'http://chatwatch.test';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { ingestBatch } = await import('@/lib/ingest/ingest');
const { seedDefaultRules } = await import('@/lib/alerts/rules');
const { runAlerts } = await import('@/lib/alerts/run');
const { GET } = await import('@/app/api/cron/alerts/route');

const SEC = 1000;
const MIN = 60 * SEC;
// Three hours ago, on a whole minute: inside retention, and the real-time route call below sees none of it.
const T0 = new Date(Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN);
const T1 = new Date(T0.getTime() + 10 * MIN);
const T2 = new Date(T1.getTime() + 10 * MIN);

let project: typeof schema.projects.$inferSelect;

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
  received.filter((r) => r.status === 200 && r.body.project?.slug === project.slug && r.body.rule?.key === 'error-rate');
const mine = () => received.filter((r) => r.body.project?.slug === project.slug);

// Every run evaluates every project in the database; a shared Postgres test database holds many.
describe(`alerts cron against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const db = await getDb();
    [project] = (await db
      .insert(schema.projects)
      .values({ slug: `cron-${randomUUID().slice(0, 12)}`, name: 'cron test' })
      .returning()) as [typeof schema.projects.$inferSelect];
    mySlug = project.slug;
    expect(await seedDefaultRules(project.id)).toBe(10);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('fires once when the error rate breaks its rule, even with two concurrent runs', async () => {
    await ingestRequests(T0, 30, 10);
    const [a, b] = await Promise.all([runAlerts(T0), runAlerts(T0)]);
    expect([a, b].filter((s) => s.skipped === 'locked').length).toBeLessThanOrEqual(1);
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
      .where(and(eq(schema.alertInstances.projectId, project.id), eq(schema.alertInstances.ruleId, rule!.id)));
    expect(instance).toMatchObject({ state: 'firing', lastNotifiedAt: T0 });
  });

  it('sends nothing new on repeated and concurrent runs while the alert keeps firing', async () => {
    const before = mine().length;
    await runAlerts(T0);
    await runAlerts(new Date(T0.getTime() + 30 * SEC));
    await Promise.all([runAlerts(new Date(T0.getTime() + MIN)), runAlerts(new Date(T0.getTime() + MIN))]);
    expect(mine()).toHaveLength(before);
    expect(errorRate()).toHaveLength(1);
  });

  it('sends one resolved notification once the window holds only successful requests', async () => {
    await ingestRequests(T1, 30, 0);
    const summary = await runAlerts(T1);
    expect(summary.skipped).toBeUndefined();
    const resolved = errorRate().filter((r) => r.body.kind === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.body).toMatchObject({
      state: 'resolved',
      value: 0,
      startedAt: T0.toISOString(),
      resolvedAt: T1.toISOString(),
    });
    await runAlerts(new Date(T1.getTime() + 30 * SEC));
    expect(errorRate()).toHaveLength(2);
  });

  it('retries a receiver that fails twice and delivers once it recovers', async () => {
    await ingestRequests(T2, 30, 30);
    failNext = 2;
    const first = await runAlerts(T2);
    expect(first.notificationsFailed).toBeGreaterThanOrEqual(1);
    expect(errorRate()).toHaveLength(2);
    // Not due yet: the first retry waits 30 s.
    await runAlerts(new Date(T2.getTime() + 10 * SEC));
    expect(errorRate()).toHaveLength(2);
    await runAlerts(new Date(T2.getTime() + 31 * SEC)); // second failure; next try 60 s later
    expect(errorRate()).toHaveLength(2);
    const failed = received.filter(
      (r) => r.status === 500 && r.body.project?.slug === project.slug && r.body.rule?.key === 'error-rate',
    );
    expect(failed).toHaveLength(2);
    const last = await runAlerts(new Date(T2.getTime() + 95 * SEC));
    expect(last.notificationsSent).toBeGreaterThanOrEqual(1);
    expect(errorRate()).toHaveLength(3);
    expect(errorRate()[2]!.body).toMatchObject({ kind: 'firing', state: 'firing', startedAt: T2.toISOString(), value: 1 });

    const db = await getDb();
    const deliveries = await db
      .select()
      .from(schema.notificationDeliveries)
      .where(eq(schema.notificationDeliveries.projectId, project.id));
    const retried = deliveries.find((d) => d.attempt === 3);
    expect(retried).toMatchObject({ status: 'sent', channel: 'env:webhook', responseStatus: 200, lastError: null });
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
});
