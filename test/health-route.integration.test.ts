/**
 * GET /api/health against the real database and KV, with fake Claude and Clerk APIs on loopback that count
 * their calls: anonymous callers share one probe per 30 s and see booleans only; the cron secret and
 * read-scope keys get a probe now, with reasons.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gt } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const calls = { claude: 0, clerk: 0 };
let claudeStatus = 200;
const upstream = http.createServer((req, res) => {
  const name = req.url?.startsWith('/claude/') ? 'claude' : 'clerk';
  calls[name]++;
  const status = name === 'claude' ? claudeStatus : 200;
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(status === 200 ? '{"data":[]}' : '{"error":"invalid x-api-key sk-ant-route"}');
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const CRON_SECRET = `cron-${randomUUID()}`;
const READ_KEY = `cw_health_route_${randomUUID().replace(/-/g, '')}`;
process.env.ANTHROPIC_API_KEY = 'sk-ant-route-test';
process.env.ANTHROPIC_BASE_URL = `${base}/claude`;
process.env.CLERK_SECRET_KEY = 'sk_live_route_test';
process.env.CLERK_API_URL = `${base}/clerk`;
process.env.CRON_SECRET = CRON_SECRET;
process.env.INIT_API_KEY = READ_KEY;
process.env.INIT_PROJECT = `it-health-${randomUUID().slice(0, 8)}`;
process.env.HEALTH_TIMEOUT_MS = '1000';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { GET } = await import('@/app/api/health/route');
const { runScheduledHealthChecks } = await import('@/lib/health/run-health-checks');
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { displayPrefix, generateApiKey, hashApiKey } = await import('@/lib/auth/api-key-format');
const { ensureBootstrap } = await import('@/lib/projects/bootstrap');

const get = (authorization?: string) =>
  GET(new Request('http://localhost/api/health', authorization ? { headers: { authorization } } : {}));
const probes = () => calls.claude;

let ingestOnlyKey = '';
beforeAll(async () => {
  await ensureBootstrap();
  const db = await getDb();
  const [project] = await db.select().from(schema.projects).limit(1);
  ingestOnlyKey = generateApiKey();
  await db.insert(schema.apiKeys).values({
    projectId: project!.id,
    name: 'ingest only',
    keyHash: hashApiKey(ingestOnlyKey),
    prefix: displayPrefix(ingestOnlyKey),
    scopes: ['ingest'],
  });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe(`GET /api/health (${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'})`, () => {
  it('answers 300 anonymous callers within 30 s from one probe, with booleans only', async () => {
    const before = { ...calls };
    const burst = await Promise.all(Array.from({ length: 150 }, () => get()));
    const after = [];
    for (let i = 0; i < 150; i++) after.push(await get());
    expect(calls).toEqual({ claude: before.claude + 1, clerk: before.clerk + 1 });
    for (const res of [...burst, ...after]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const body = (await after[0]!.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['checks', 'status', 'timestamp']);
    expect(body).toMatchObject({
      status: 'healthy',
      checks: { database: true, cache: true, ai: true, auth: true },
    });
  });

  it('probes anonymously again only once the last probe is 30 s old', async () => {
    const before = probes();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 29_000);
    await get();
    expect(probes()).toBe(before);
    vi.setSystemTime(Date.now() + 2_000);
    await Promise.all([get(), get(), get()]);
    expect(probes()).toBe(before + 1);
  });

  it('gives the cron secret and read-scope keys a probe now with reasons, and anonymous callers no reason', async () => {
    claudeStatus = 401;
    try {
      const before = probes();
      const cron = await get(`Bearer ${CRON_SECRET}`);
      expect(probes()).toBe(before + 1);
      expect(cron.status).toBe(200);
      const full = (await cron.json()) as {
        status: string;
        details: Record<string, unknown>;
        latency: Record<string, number>;
      };
      expect(full.status).toBe('degraded');
      expect(full.details.ai).toEqual({ state: 'fail', reason: 'HTTP 401' });
      expect(typeof full.latency.database).toBe('number');

      const keyed = await get(`Bearer ${READ_KEY}`);
      expect(probes()).toBe(before + 2);
      expect(await keyed.json()).toMatchObject({ details: { ai: { state: 'fail', reason: 'HTTP 401' } } });

      // The signed-in probe is the latest: anonymous callers get its verdict without its reasons.
      const anonymous = await get();
      expect(probes()).toBe(before + 2);
      const text = await anonymous.text();
      expect(JSON.parse(text)).toMatchObject({ status: 'degraded', checks: { ai: false } });
      expect(text).not.toMatch(/HTTP 401|reason|details|latency|sk-ant/);
    } finally {
      claudeStatus = 200;
    }
  });

  it('refuses a wrong secret or a key without the read scope, without probing', async () => {
    const before = probes();
    const wrong = await get('Bearer not-the-secret');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const ingestOnly = await get(`Bearer ${ingestOnlyKey}`);
    expect(ingestOnly.status).toBe(403);
    expect(probes()).toBe(before);
  });

  it("serves the cron's last probe to anonymous callers", async () => {
    const realNow = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(realNow + 5 * 60_000);
    try {
      const before = probes();
      await runScheduledHealthChecks();
      expect(probes()).toBe(before + 1);
      const res = await get();
      expect(probes()).toBe(before + 1);
      expect(await res.json()).toMatchObject({ status: 'healthy' });
    } finally {
      // Health checks are installation-wide: the ones this run recorded in the future would otherwise
      // interleave with the real checks of whatever reads the same database minutes later (the e2e alerts).
      const db = await getDb();
      await db
        .delete(schema.healthChecks)
        .where(gt(schema.healthChecks.checkedAt, new Date(realNow + 60_000)));
    }
  });
});
