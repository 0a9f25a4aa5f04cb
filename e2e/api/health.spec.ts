import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { startServer, type Server } from '../helpers/server';

// The api project sends the e2e read-scope API key on every `request`: it gets the full answer, with details.
test('GET /api/health is healthy with the database and KV up and names unconfigured dependencies', async ({
  request,
}) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toContain('no-store');
  const body = await res.json();
  expect(body).toMatchObject({
    status: 'healthy',
    checks: { database: true, cache: true, ai: false, auth: false },
    details: {
      database: { state: 'ok' },
      cache: { state: 'ok' },
      ai: { state: 'not_configured' },
      auth: { state: 'not_configured' },
    },
  });
  expect(typeof body.latency.database).toBe('number');
  expect(Date.parse(body.timestamp)).not.toBeNaN();
});

test.describe('with a hanging Claude API and a Clerk API refusing the key', () => {
  let fake: http.Server;
  let server: Server;
  const secret = 'sk_live_health_secret_never_echoed';
  const cronSecret = 'e2e-health-cron-secret';
  let claudeCalls = 0;

  test.beforeAll(async () => {
    fake = http.createServer((req, res) => {
      if (req.url?.startsWith('/claude')) {
        claudeCalls++;
        return; // never answers
      }
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"errors":[{"message":"invalid key sk_live"}]}');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    server = await startServer({
      ANTHROPIC_API_KEY: 'sk-ant-health-test',
      ANTHROPIC_BASE_URL: `${base}/claude`,
      CLERK_SECRET_KEY: secret,
      CLERK_API_URL: `${base}/clerk`,
      HEALTH_TIMEOUT_MS: '800',
      CRON_SECRET: cronSecret,
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    fake.closeAllConnections();
    await new Promise((r) => fake.close(r));
  });

  test('answers the cron secret degraded within the probe timeout, with reasons but without secrets or raw errors', async () => {
    const started = Date.now();
    const res = await fetch(`${server.url}/api/health`, {
      headers: { Authorization: `Bearer ${cronSecret}` },
    });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.status).toBe('degraded');
    expect(body.checks).toMatchObject({ database: true, cache: true, ai: false, auth: false });
    expect(body.details.ai).toEqual({ state: 'fail', reason: expect.stringContaining('timeout') });
    expect(body.details.auth).toEqual({ state: 'fail', reason: expect.stringContaining('401') });
    expect(elapsed).toBeLessThan(800 + 1500);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('sk-ant');
    expect(text).not.toContain('invalid key');
  });

  test('answers anonymous callers with the verdict and booleans only: no reasons, no latency', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(Object.keys(body).sort()).toEqual(['checks', 'status', 'timestamp']);
    expect(body).toMatchObject({
      status: 'degraded',
      checks: { database: true, cache: true, ai: false, auth: false },
    });
    expect(text).not.toMatch(/timeout|HTTP|reason|latency|details/);
  });

  test('answers a burst of anonymous callers from at most one probe, without waiting on the hanging API each time', async () => {
    const before = claudeCalls;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${server.url}/api/health`)));
    for (let i = 0; i < 20; i++) answers.push(await fetch(`${server.url}/api/health`));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(claudeCalls - before).toBeLessThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(800 + 3000);
  });

  test('refuses a wrong bearer token with 401 JSON', async () => {
    const res = await fetch(`${server.url}/api/health`, {
      headers: { Authorization: 'Bearer not-the-secret' },
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
  });
});
