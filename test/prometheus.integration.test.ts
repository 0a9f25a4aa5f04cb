import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import * as schema from '@/db/schema';
import { GET } from '@/app/api/v1/metrics/route';
import { displayPrefix, generateApiKey, hashApiKey } from '@/lib/auth/api-key-format';
import { ingestBatch } from '@/lib/ingest/ingest';
import { getAi, getExperience } from '@/lib/metrics/queries';
import { NO_FILTERS, parseRange } from '@/lib/metrics/range';
import { rollUp } from '@/lib/metrics/rollups/job';

/**
 * Issue 11, part 3: `GET /api/v1/metrics` passes `promtool check metrics`, and a real Prometheus server
 * (Debian's `prometheus`), configured with the scrape job the README ships, scrapes it and answers PromQL
 * queries with the dashboard's figures.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const installed = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
// CI installs Debian's prometheus (.ci/run); elsewhere, without it, say so rather than pass silently.
if (!installed && process.env.CI) throw new Error('CI needs Debian\'s "prometheus" package (promtool and the server)');
if (!installed)
  console.warn('[prometheus] Debian\'s "prometheus" package is not installed: the promtool and Prometheus server tests are skipped');

const MINUTE = 60_000;
const now = new Date();
const dayStart = Math.floor(now.getTime() / 86_400_000) * 86_400_000;
/** Today's events only: the counters count since 00:00 UTC. */
const spreadMs = Math.max(0, Math.min(50 * MINUTE, now.getTime() - dayStart - 5_000));
const at = (i: number, n: number) => new Date(now.getTime() - 2_000 - (spreadMs * i) / n).toISOString();

async function newProject(scopes: ('read' | 'ingest')[]) {
  const db = await getDb();
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `prom-${randomUUID().slice(0, 12)}`, name: 'prometheus' })
    .returning();
  const key = generateApiKey();
  await db
    .insert(schema.apiKeys)
    .values({ projectId: project!.id, name: 'scrape', keyHash: hashApiKey(key), prefix: displayPrefix(key), scopes });
  return { projectId: project!.id, key };
}

const scrape = (key?: string, query = '') =>
  GET(
    new Request(`http://test/api/v1/metrics${query}`, {
      headers: key ? { Authorization: `Bearer ${key}` } : {},
    }),
  );

const model = `claude-prom-${randomUUID().slice(0, 8)}`;
const durations = Array.from({ length: 40 }, (_, i) => 300 + i * 97);
let project: { projectId: string; key: string };

function events(from: number, to: number) {
  const out: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) {
    out.push({
      id: `prom-ai-${i}`,
      type: 'ai.call',
      timestamp: at(i, durations.length),
      service: 'chat-api',
      environment: 'production',
      model,
      durationMs: durations[i],
      timeToFirstTokenMs: 120 + i,
      inputTokens: 1000 + i,
      cacheReadTokens: 50 * i,
      outputTokens: 200 + i,
      costUsd: 0.001 * (i + 1),
      status: i % 8 === 0 ? 'error' : 'ok',
      ...(i % 8 === 0 ? { errorType: 'overloaded_error' } : {}),
    });
    out.push({
      id: `prom-http-${i}`,
      type: 'http.request',
      timestamp: at(i, durations.length),
      service: 'chat-api',
      route: i % 2 ? '/api/chat' : '/api/history',
      status: i % 10 === 0 ? 503 : 200,
      durationMs: 20 + i * 3,
    });
    out.push({
      id: `prom-resp-${i}`,
      type: 'response.sent',
      timestamp: at(i, durations.length),
      service: 'chat-api',
      durationMs: 2_000 + i * 50,
      timeToFirstTokenMs: 250 + i,
      streamed: i % 3 !== 0,
    });
    // One of every other kind, so every family of the exposition has a series.
    const ts = at(i, durations.length);
    const others: Record<string, unknown>[] = [
      { type: 'cache', operation: 'get', cache: 'llm', hit: i % 4 !== 0, durationMs: 2 },
      { type: 'error', errorType: 'TimeoutError', message: 'upstream timed out', source: 'api', route: '/api/chat' },
      { type: 'web.vital', name: i % 2 ? 'LCP' : 'CLS', value: i % 2 ? 1_800 + i : 0.02 * (i % 7), path: '/chat' },
      { type: 'retrieval', durationMs: 30 + i, resultCount: 5 },
      { type: 'feedback', score: 1 + (i % 5), messageId: `m${i}` },
      { type: 'rate_limit', route: '/api/chat', scope: 'user', limit: 60 },
      { type: 'auth.attempt', outcome: 'failure', method: 'password' },
    ];
    others.forEach((e, k) => out.push({ id: `prom-other-${i}-${k}`, timestamp: ts, service: 'chat-api', ...e }));
  }
  return out;
}

beforeAll(async () => {
  project = await newProject(['read', 'ingest']);
  // Half before a rollup run and half after: the exposition reads both the rollups and the raw tail.
  const half = durations.length / 2;
  const first = (await ingestBatch(project.projectId, { events: events(0, half) })).body;
  expect(first, JSON.stringify(first).slice(0, 600)).toMatchObject({ rejected: 0 });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await rollUp({ budgetMs: 30_000 });
  expect((await ingestBatch(project.projectId, { events: events(half, durations.length) })).body).toMatchObject({
    rejected: 0,
  });
  const db = await getDb();
  await db.insert(schema.healthChecks).values({ dependency: 'database', state: 'ok', latencyMs: 7 });
}, 60_000);

describe(`GET /api/v1/metrics (${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'})`, () => {
  it('answers the text format with the project figures', async () => {
    const res = await scrape(project.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const calls = new RegExp(
      `^chatwatch_ai_calls_total\\{service="chat-api",environment="production",model="${model}",outcome="ok"\\} 35$`,
      'm',
    );
    expect(text).toMatch(calls);
    expect(text).toMatch(/^# TYPE chatwatch_ai_call_duration_seconds histogram$/m);
    expect(text).toMatch(/^chatwatch_dependency_up\{dependency="database"\} 1$/m);
    expect(text).toContain(`chatwatch_counters_start_timestamp_seconds ${dayStart / 1000}\n`);
  });

  it('needs a read key of the project, and says how to get one', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect((await none.json()).error.message).toMatch(/Bearer/);
    const ingestOnly = await newProject(['ingest']);
    const wrongScope = await scrape(ingestOnly.key);
    expect(wrongScope.status).toBe(403);
    expect((await scrape('cw_not_a_key_at_all_0123456789')).status).toBe(401);
    const otherProject = await scrape(project.key, '?project=someone-else');
    expect(otherProject.status).toBe(403);
    const unknown = await scrape(project.key, '?range=30d');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toMatch(/Unknown parameter "range"/);
  });

  it.skipIf(!installed)('passes promtool check metrics', async () => {
    const text = await (await scrape(project.key)).text();
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe.skipIf(!installed)('a real Prometheus scraping the shipped job', () => {
  let server: Server;
  let prometheus: ChildProcess;
  let dir: string;
  let promUrl: string;
  let log = '';

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers.set(name, value);
      const response = await GET(new Request(`http://test${req.url}`, { headers }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'chatwatch-prom-'));
    writeFileSync(path.join(dir, 'key'), project.key);
    // The README's job as shipped, pointed at this server: plain HTTP, a 1 s interval, the key file here.
    const shipped = readFileSync(path.join(__dirname, '..', 'public', 'integrations', 'prometheus.yml'), 'utf8');
    const config = shipped
      .replace(/scrape_interval: 15s/g, 'scrape_interval: 1s')
      .replace('scrape_timeout: 10s', 'scrape_timeout: 1s')
      .replace('scheme: https', 'scheme: http')
      .replace('/etc/prometheus/chatwatch-read-key', path.join(dir, 'key'))
      .replace("'dashboard.example.com'", `'${target}'`);
    expect(config).not.toBe(shipped);
    writeFileSync(path.join(dir, 'prometheus.yml'), config);
    const check = spawnSync(PROMTOOL, ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitFor(async () => ((await query('up{job="chatwatch"}'))[0]?.value[1] === '1' ? true : null), 30_000);
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => null);
    if (!res?.ok) return [];
    const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return body.data.result;
  }

  async function scalar(promql: string): Promise<number> {
    const value = await waitFor(async () => {
      const [first] = await query(promql);
      return first ? Number(first.value[1]) : null;
    }, 15_000);
    return value;
  }

  async function waitFor<T>(probe: () => Promise<T | null>, ms: number): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      if (Date.now() > deadline) throw new Error(`Prometheus did not answer in time:\n${log.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('answers PromQL with the AI dashboard figures', async () => {
    const range = parseRange({ range: '24h' }, new Date());
    const ai = await getAi(project, range, { ...NO_FILTERS, model });
    const sel = `{job="chatwatch",model="${model}"}`;
    expect(ai.totals.calls).toBe(40);
    expect(await scalar(`sum(chatwatch_ai_calls_total${sel})`)).toBe(ai.totals.calls);
    expect(await scalar(`sum(chatwatch_ai_calls_total{job="chatwatch",model="${model}",outcome="error"})`)).toBe(5);
    expect(await scalar(`sum(chatwatch_ai_input_tokens_total${sel})`)).toBe(ai.models[0]!.tokensIn);
    expect(await scalar(`sum(chatwatch_ai_output_tokens_total${sel})`)).toBe(ai.models[0]!.tokensOut);
    expect(await scalar(`sum(chatwatch_ai_cost_usd_total${sel})`)).toBeCloseTo(ai.totals.costUsd!, 9);
    // The latency histogram holds the successful calls, as the dashboard's latency percentiles do.
    const ok = durations.filter((_, i) => i % 8 !== 0);
    expect(await scalar(`sum(chatwatch_ai_call_duration_seconds_count${sel})`)).toBe(ok.length);
    expect(await scalar(`sum(chatwatch_ai_call_duration_seconds_sum${sel})`)).toBeCloseTo(
      ok.reduce((a, b) => a + b, 0) / 1000,
      9,
    );
    const p95 = await scalar(
      `histogram_quantile(0.95, sum by (le) (chatwatch_ai_call_duration_seconds_bucket${sel}))`,
    );
    // Interpolated within its bucket (2.5 s to 5 s) by Prometheus; the dashboard's p95 is in the same bucket.
    expect(ai.models[0]!.durationMs.p95! / 1000).toBeGreaterThan(2.5);
    expect(ai.models[0]!.durationMs.p95! / 1000).toBeLessThanOrEqual(5);
    expect(p95).toBeGreaterThan(2.5);
    expect(p95).toBeLessThanOrEqual(5);
  });

  it('answers PromQL with the User Experience and System figures and the dependency gauges', async () => {
    const range = parseRange({ range: '24h' }, new Date());
    const ux = await getExperience(project, range, NO_FILTERS);
    expect(ux.response.count).toBe(40);
    expect(await scalar('sum(chatwatch_responses_total{job="chatwatch"})')).toBe(ux.response.count);
    expect(await scalar('sum(chatwatch_responses_total{job="chatwatch",streamed="true"})')).toBe(
      ux.streaming.count,
    );
    expect(await scalar('sum(chatwatch_response_duration_seconds_count{job="chatwatch"})')).toBe(
      ux.response.count,
    );
    expect(ux.errors.serverErrors).toBe(4);
    expect(await scalar('sum(chatwatch_http_requests_total{job="chatwatch",status_class="5xx"})')).toBe(
      ux.errors.serverErrors,
    );
    expect(await scalar('sum(chatwatch_http_requests_total{job="chatwatch"})')).toBe(ux.errors.requests);
    expect(await scalar('sum(chatwatch_http_requests_total{job="chatwatch",route="/api/chat"})')).toBe(20);
    expect(await scalar('chatwatch_dependency_up{job="chatwatch",dependency="database"}')).toBe(1);
  });

  it('evaluates every query of the shipped Grafana dashboard over the families it exposes', async () => {
    const exposed = new Set(
      [...(await (await scrape(project.key)).text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!],
      ),
    );
    const exprs = grafanaExpressions();
    expect(exprs.length).toBeGreaterThan(15);
    for (const expr of exprs) {
      const { query: promql, series } = /^label_values\((.*), \w+\)$/.exec(expr)
        ? { query: /^label_values\((.*), \w+\)$/.exec(expr)![1]!, series: true }
        : { query: expr, series: false };
      for (const [name] of promql.matchAll(/chatwatch_[a-z_]+/g)) expect(exposed, expr).toContain(name);
      const res = await fetch(`${promUrl}/api/v1/${series ? 'series?match[]' : 'query?query'}=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; error?: string };
      expect(body, expr).toMatchObject({ status: 'success' });
    }
    const range = parseRange({ range: '24h' }, new Date());
    const ai = await getAi(project, range, NO_FILTERS);
    const costToday = exprs.find((e) => e.startsWith('sum(chatwatch_ai_cost_usd_total'))!;
    expect(await scalar(costToday)).toBeCloseTo(ai.totals.costUsd!, 9);
  });
});

/** Every PromQL expression of the shipped Grafana dashboard, with its variables set to "everything". */
function grafanaExpressions(): string[] {
  const file = path.join(__dirname, '..', 'public', 'integrations', 'grafana-dashboard.json');
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
  ];
  return exprs.map((e) =>
    e
      .replace(/\$job/g, 'chatwatch')
      .replace(/\$(service|environment|model)/g, '.*')
      .replace(/\$__rate_interval/g, '1m'),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
