import { expect, test } from '@playwright/test';
import { createClient } from '../../lib/client';
import { E2E_API_KEY } from '../helpers/env';
import { oneOfEach, runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';
import { startTcpProxy } from '../helpers/tcp-proxy';

const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${E2E_API_KEY}` };
const post = (server: Server, events: unknown[]) =>
  fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify({ events }) });

test.describe('rate limit', () => {
  let server: Server;
  test.beforeAll(async () => {
    // Its own in-process KV, so the main server's requests do not count against this key's window.
    server = await startServer({
      INGEST_RATE_LIMIT_PER_MINUTE: '3',
      REDIS_URL: '',
      KV_REST_API_URL: '',
      KV_REST_API_TOKEN: '',
    });
  });
  test.afterAll(() => server.stop());

  test('429 with Retry-After once the key passes its per-minute limit', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await post(server, [{ type: 'page.view', path: '/' }]);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    // The first three fit the window unless it rolled over mid-loop, which can only add 200s.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await limited!.json()).error.code).toBe('rate_limited');
  });
});

test.describe('database down', () => {
  // Cutting the connection needs a TCP database; PGlite runs inside the server process.
  test.skip(!process.env.DATABASE_URL, 'needs DATABASE_URL (CI sets it)');
  let server: Server;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  test.beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    server = await startServer({ DATABASE_URL: url.toString() });
  });
  test.afterAll(async () => {
    await server?.stop();
    await proxy?.close();
  });

  test('answers 503 with Retry-After and stores nothing, then recovers', async () => {
    const events = oneOfEach(runId());
    expect((await post(server, [{ type: 'page.view', path: '/warmup' }])).status).toBe(200);

    proxy.cut();
    const down = await post(server, events);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    const body = await down.json();
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toContain('nothing was stored');
    // A read key gets a fresh probe (anonymous callers may get one up to 30 s old).
    const health = await fetch(`${server.url}/api/health`, {
      headers: { Authorization: `Bearer ${E2E_API_KEY}` },
    });
    expect(health.status).toBe(503);
    expect((await health.json()).status).toBe('down');

    proxy.restore();
    await expect
      .poll(async () => (await post(server, events)).status, { timeout: 20_000, intervals: [500] })
      .toBe(200);
    // Every event was new after recovery: the failed request had stored none of them.
    const again = await post(server, events);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 14, rejected: 0 });
  });

  test('the client retries through an outage and stores each event exactly once', async () => {
    const prefix = runId();
    const client = createClient({
      url: server.url,
      apiKey: E2E_API_KEY,
      batchSize: 50,
      flushIntervalMs: 200,
      onError: () => {},
    });
    proxy.cut();
    for (let i = 0; i < 120; i++) client.track({ type: 'page.view', id: `${prefix}-${i}`, path: `/p/${i}` });
    await expect.poll(() => client.stats().retries, { timeout: 15_000 }).toBeGreaterThan(0);
    proxy.restore();
    await client.close();
    expect(client.stats()).toMatchObject({ accepted: 120, duplicates: 0, failed: 0, dropped: 0 });
    const all = Array.from({ length: 120 }, (_, i) => ({
      type: 'page.view',
      id: `${prefix}-${i}`,
      path: `/p/${i}`,
    }));
    const check = await post(server, all);
    expect(await check.json()).toEqual({ accepted: 0, duplicates: 120, rejected: 0 });
  });
});

test.describe('KV down', () => {
  let server: Server;
  test.beforeAll(async () => {
    server = await startServer({
      REDIS_URL: 'redis://127.0.0.1:1',
      KV_REST_API_URL: '',
      KV_REST_API_TOKEN: '',
    });
  });
  test.afterAll(() => server.stop());

  test('ingestion still stores events, and health reports the cache as failing (degraded)', async () => {
    const events = oneOfEach(runId());
    const res = await post(server, events);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 14, duplicates: 0, rejected: 0 });
    const again = await post(server, events);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 14, rejected: 0 });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const body = await health.json();
    expect(body.status).toBe('degraded');
    expect(body.checks.cache).toBe(false);
    expect(body.checks.database).toBe(true);
  });
});
