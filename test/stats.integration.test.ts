import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as getDashboard } from '@/app/api/v1/stats/[dashboard]/route';
import { GET as getLogs } from '@/app/api/v1/stats/logs/route';
import { getDb } from '@/db/client';
import * as schema from '@/db/schema';
import { displayPrefix, generateApiKey, hashApiKey } from '@/lib/auth/api-key-format';
import { ingestBatch } from '@/lib/ingest/ingest';
import { rollUp } from '@/lib/metrics/rollups/job';
import { getExperience, getFilterOptions, getOverview } from '@/lib/metrics/queries';
import { NO_FILTERS, parseRange } from '@/lib/metrics/range';
import { activeUsers, summarizeSessions } from '@/lib/metrics/activity';
import { costPerUser } from '@/lib/metrics/cost';
import { mean, percentile, ratio } from '@/lib/metrics/stats';
import type { Ai, Experience, LogPage, Overview, System } from '@/lib/metrics/types';

// Route handlers call `after()` (audit of reads), which needs a request scope outside `next start`: run it now.
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  after: (task: Promise<unknown> | (() => unknown)) => {
    void Promise.resolve(typeof task === 'function' ? task() : task).catch(() => {});
  },
}));

// Percentiles are read from log-bucket histograms (lib/metrics/histogram.ts), each within
// HISTOGRAM_RELATIVE_ERROR (1%) of percentile_cont on the raw values; counts, sums, ratios and averages from sums
// stay exact and are asserted exactly. The 1% is written out rather than imported, so a looser histogram fails here.
const PERCENTILE_RELATIVE_ERROR = 0.01;
// The bound holds up to float rounding (~1e-12 relative, see histogram.ts): allow that much, nothing more.
const FLOAT_SLACK = 1e-9;

expect.extend({
  toBeWithin1PctOf(received: unknown, expected: number) {
    if (typeof expected !== 'number' || !Number.isFinite(expected)) {
      throw new TypeError(`toBeWithin1PctOf: expected must be a finite number, got ${String(expected)}`);
    }
    const tolerance = PERCENTILE_RELATIVE_ERROR * Math.abs(expected) * (1 + FLOAT_SLACK);
    const pass =
      typeof received === 'number' && Number.isFinite(received) && Math.abs(received - expected) <= tolerance;
    return {
      pass,
      message: () =>
        `expected ${this.utils.printReceived(received)} ${this.isNot ? 'not ' : ''}to be a number within 1% ` +
        `of ${this.utils.printExpected(expected)}`,
    };
  },
});

interface Within1PctMatchers<R = unknown> {
  toBeWithin1PctOf: (expected: number) => R;
}
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T> extends Within1PctMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends Within1PctMatchers {}
}

/** For toEqual / toMatchObject: a percentile within 1% of the exact one; null must stay null. */
function within1Pct(expected: number | null): unknown {
  return expected === null ? null : expect.toBeWithin1PctOf(expected);
}

/** A percentile within 1% of the exact one (a number, never null); null expects null. */
function expectWithin1Pct(actual: number | null | undefined, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeWithin1PctOf(expected);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

async function newProject() {
  const db = await getDb();
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `st-${randomUUID().slice(0, 12)}`, name: 'stats test' })
    .returning();
  const key = generateApiKey();
  await db.insert(schema.apiKeys).values({
    projectId: project!.id,
    name: 'test',
    keyHash: hashApiKey(key),
    prefix: displayPrefix(key),
    scopes: ['ingest', 'read'],
  });
  return { project: project!, key };
}

async function ingest(projectId: string, events: Record<string, unknown>[]) {
  const run = randomUUID().slice(0, 8);
  for (let i = 0; i < events.length; i += 1000) {
    const batch = events.slice(i, i + 1000).map((e, j) => ({ id: `${run}-${i + j}`, ...e }));
    const result = await ingestBatch(projectId, { events: batch });
    expect(result.body).toMatchObject({ rejected: 0, accepted: batch.length });
  }
}

async function get<T>(
  path: string,
  key: string | null,
): Promise<{ status: number; body: T; headers: Headers }> {
  const url = new URL(path, 'http://test');
  const request = new Request(url, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  const dashboard = url.pathname.split('/').pop()!;
  const response =
    dashboard === 'logs'
      ? await getLogs(request)
      : await getDashboard(request, { params: Promise.resolve({ dashboard }) });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

// Hour-aligned anchor in the past; the range below is not aligned, so whole hours come from the rollup and
// the edges from raw events.
const H = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const at = (offsetMs: number) => iso(H + offsetMs);
const FROM = H - 20 * MINUTE;
const TO = H + 2 * HOUR + 10 * MINUTE;
const RANGE = `from=${iso(FROM)}&to=${iso(TO)}`;

const prod = { service: 'api', environment: 'production' };
const knownEvents: Record<string, unknown>[] = [
  // Outside the range: must not count (s1 starts before `from`; the previous period has one request).
  {
    type: 'page.view',
    path: '/chat',
    userId: 'u1',
    sessionId: 's1',
    timestamp: at(-40 * MINUTE),
    service: 'web',
  },
  { type: 'http.request', route: '/api/chat', status: 200, durationMs: 10, timestamp: at(-HOUR), ...prod },
  { type: 'page.view', path: '/', userId: 'u4', timestamp: iso(TO - 3 * DAY), service: 'web' },
  { type: 'page.view', path: '/', userId: 'u5', timestamp: iso(TO - 10 * DAY), service: 'web' },
  // Sessions: s1 45 min (2 messages), s2 10 min (1), s3 25 min (1).
  {
    type: 'message.received',
    messageLength: 10,
    userId: 'u1',
    sessionId: 's1',
    timestamp: at(-15 * MINUTE),
    ...prod,
  },
  {
    type: 'http.request',
    route: '/api/chat',
    status: 200,
    durationMs: 100,
    userId: 'u1',
    sessionId: 's1',
    timestamp: at(-10 * MINUTE),
    ...prod,
  },
  {
    type: 'message.received',
    messageLength: 10,
    userId: 'u1',
    sessionId: 's1',
    timestamp: at(29 * MINUTE),
    ...prod,
  },
  {
    type: 'http.request',
    route: '/api/chat',
    status: 200,
    durationMs: 300,
    userId: 'u1',
    sessionId: 's1',
    timestamp: at(30 * MINUTE),
    ...prod,
  },
  {
    type: 'message.received',
    messageLength: 10,
    userId: 'u2',
    sessionId: 's2',
    timestamp: at(60 * MINUTE),
    ...prod,
  },
  {
    type: 'http.request',
    route: '/api/chat',
    status: 500,
    durationMs: 900,
    userId: 'u2',
    sessionId: 's2',
    timestamp: at(70 * MINUTE),
    ...prod,
  },
  {
    type: 'message.received',
    messageLength: 10,
    userId: 'u3',
    sessionId: 's3',
    timestamp: at(100 * MINUTE),
    ...prod,
  },
  {
    type: 'http.request',
    route: '/api/health',
    status: 503,
    durationMs: 50,
    userId: 'u3',
    sessionId: 's3',
    timestamp: at(125 * MINUTE),
    ...prod,
  },
  // Responses: durations 100..400, TTFT 10..40, the first three streamed.
  {
    type: 'response.sent',
    durationMs: 100,
    timeToFirstTokenMs: 10,
    responseLength: 1000,
    streamed: true,
    timestamp: at(5 * MINUTE),
    ...prod,
  },
  {
    type: 'response.sent',
    durationMs: 200,
    timeToFirstTokenMs: 20,
    responseLength: 2000,
    streamed: true,
    timestamp: at(35 * MINUTE),
    ...prod,
  },
  {
    type: 'response.sent',
    durationMs: 300,
    timeToFirstTokenMs: 30,
    responseLength: 3000,
    streamed: true,
    timestamp: at(65 * MINUTE),
    ...prod,
  },
  {
    type: 'response.sent',
    durationMs: 400,
    timeToFirstTokenMs: 40,
    responseLength: 4000,
    streamed: false,
    timestamp: at(95 * MINUTE),
    ...prod,
  },
  // Model calls: 4, one failed; 600 tokens in, 300 out, $0.015.
  {
    type: 'ai.call',
    model: 'claude-sonnet-4-5',
    durationMs: 1000,
    timeToFirstTokenMs: 200,
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.01,
    temperature: 0.7,
    contextLength: 1500,
    cached: false,
    userId: 'u1',
    conversationId: 'c1',
    traceId: 't1',
    timestamp: at(1 * MINUTE),
    ...prod,
  },
  {
    type: 'ai.call',
    model: 'claude-sonnet-4-5',
    durationMs: 500,
    status: 'error',
    errorType: 'overloaded_error',
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    userId: 'u1',
    conversationId: 'c1',
    traceId: 't2',
    timestamp: at(31 * MINUTE),
    ...prod,
  },
  {
    type: 'ai.call',
    model: 'claude-haiku-4-5',
    durationMs: 400,
    timeToFirstTokenMs: 100,
    inputTokens: 200,
    outputTokens: 100,
    costUsd: 0.002,
    temperature: 0.3,
    contextLength: 2048,
    userId: 'u2',
    conversationId: 'c2',
    traceId: 't3',
    timestamp: at(62 * MINUTE),
    ...prod,
  },
  {
    type: 'ai.call',
    model: 'claude-haiku-4-5',
    durationMs: 600,
    timeToFirstTokenMs: 150,
    inputTokens: 300,
    outputTokens: 150,
    costUsd: 0.003,
    temperature: 1,
    contextLength: 500,
    cached: true,
    userId: 'u3',
    conversationId: 'c3',
    traceId: 't4',
    timestamp: at(100 * MINUTE),
    ...prod,
  },
  // Cache: 3 hits of 4 gets that say whether they hit; a get without `hit` and a set are no lookups.
  ...[true, true, false, true].map((hit, i) => ({
    type: 'cache',
    operation: 'get',
    cache: 'kv',
    hit,
    timestamp: at((10 + i) * MINUTE),
    ...prod,
  })),
  { type: 'cache', operation: 'get', cache: 'kv', timestamp: at(14 * MINUTE), ...prod },
  { type: 'cache', operation: 'set', cache: 'kv', timestamp: at(14 * MINUTE), ...prod },
  // Ratings 5, 4, 2: satisfaction 2/3; attributed to sonnet (5) and haiku (4, 2).
  { type: 'feedback', score: 5, conversationId: 'c1', traceId: 't1', timestamp: at(40 * MINUTE), ...prod },
  { type: 'feedback', score: 4, conversationId: 'c2', traceId: 't3', timestamp: at(70 * MINUTE), ...prod },
  { type: 'feedback', score: 2, conversationId: 'c3', timestamp: at(105 * MINUTE), ...prod },
  { type: 'retrieval', durationMs: 50, resultCount: 2, timestamp: at(61 * MINUTE), ...prod },
  { type: 'retrieval', durationMs: 150, resultCount: 4, timestamp: at(99 * MINUTE), ...prod },
  // Web vitals: LCP /chat 1000..3000, / 4000; INP /chat 100, 200; CLS / 0.1; FCP is not charted.
  ...[1000, 2000, 3000].map((value, i) => ({
    type: 'web.vital',
    name: 'LCP',
    value,
    path: '/chat',
    timestamp: at((2 + i) * MINUTE),
    service: 'web',
  })),
  { type: 'web.vital', name: 'LCP', value: 4000, path: '/', timestamp: at(6 * MINUTE), service: 'web' },
  { type: 'web.vital', name: 'INP', value: 100, path: '/chat', timestamp: at(7 * MINUTE), service: 'web' },
  { type: 'web.vital', name: 'INP', value: 200, path: '/chat', timestamp: at(8 * MINUTE), service: 'web' },
  { type: 'web.vital', name: 'CLS', value: 0.1, path: '/', timestamp: at(9 * MINUTE), service: 'web' },
  { type: 'web.vital', name: 'FCP', value: 9999, path: '/', timestamp: at(9 * MINUTE), service: 'web' },
  // Resources: cpu 10, 30 %; memory 500, 700 MB; other metrics are not resources.
  { type: 'metric', name: 'cpu.utilization', value: 10, unit: '%', timestamp: at(15 * MINUTE), ...prod },
  { type: 'metric', name: 'cpu.utilization', value: 30, unit: '%', timestamp: at(75 * MINUTE), ...prod },
  { type: 'metric', name: 'memory.used', value: 500, unit: 'MB', timestamp: at(15 * MINUTE), ...prod },
  { type: 'metric', name: 'memory.used', value: 700, unit: 'MB', timestamp: at(75 * MINUTE), ...prod },
  { type: 'metric', name: 'queue.depth', value: 3, timestamp: at(15 * MINUTE), ...prod },
  { type: 'rate_limit', route: '/api/chat', timestamp: at(20 * MINUTE), ...prod },
  { type: 'rate_limit', route: '/api/chat', timestamp: at(21 * MINUTE), ...prod },
  { type: 'rate_limit', route: '/api/auth/login', timestamp: at(22 * MINUTE), ...prod },
  {
    type: 'error',
    errorType: 'TypeError',
    message: 'boom',
    route: '/chat',
    source: 'client',
    timestamp: at(10 * MINUTE),
    service: 'web',
  },
  {
    type: 'error',
    errorType: 'TypeError',
    message: 'boom',
    route: '/chat',
    source: 'client',
    timestamp: at(20 * MINUTE),
    service: 'web',
  },
  {
    type: 'error',
    errorType: 'DatabaseTimeout',
    message: 'statement timeout',
    route: '/api/chat',
    source: 'database',
    status: 500,
    timestamp: at(50 * MINUTE),
    ...prod,
  },
];

// Cache hit rate, by definition: only a `get` that says whether it hit (`hit` true or false) is a lookup; a `get`
// without `hit` says nothing about the cache and is left out of hits and lookups alike (it used to count as a miss,
// which the hit-less get above would catch). LLM lookups are also the AI calls that say whether a cache answered.
// Every event above lies in RANGE.
function cacheStat(lookups: Record<string, unknown>[], hit: (e: Record<string, unknown>) => unknown) {
  const hits = lookups.filter((e) => hit(e) === true).length;
  return { lookups: lookups.length, hits, hitRate: lookups.length ? hits / lookups.length : null };
}
const cacheGets = knownEvents.filter(
  (e) => e.type === 'cache' && e.operation === 'get' && typeof e.hit === 'boolean',
);
const EXPECTED_CACHE = {
  all: cacheStat(cacheGets, (e) => e.hit),
  llm: cacheStat(
    [
      ...knownEvents.filter((e) => e.type === 'ai.call' && typeof e.cached === 'boolean'),
      ...cacheGets.filter((e) => e.cache === 'llm'),
    ],
    (e) => (e.type === 'ai.call' ? e.cached : e.hit),
  ),
  kv: cacheStat(
    cacheGets.filter((e) => e.cache !== 'llm'),
    (e) => e.hit,
  ),
};

describe(`stats read API against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  let known: Awaited<ReturnType<typeof newProject>>;

  beforeAll(async () => {
    known = await newProject();
    await ingest(known.project.id, knownEvents);
  });

  it('answers the overview figures exactly, with the previous period and trends', async () => {
    const { status, body, headers } = await get<Overview>(`/api/v1/stats/overview?${RANGE}`, known.key);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body.from).toBe(iso(FROM));
    expect(body.to).toBe(iso(TO));
    const f = body.figures;
    expect(EXPECTED_CACHE.all.hitRate).toBe(0.75); // 3 hits of 4 lookups: the fixture is as intended
    expect(f).toMatchObject({
      requests: 4,
      errorRate: 0.5,
      p50ResponseMs: within1Pct(250),
      activeUsers: 3,
      aiCalls: 4,
      aiErrorRate: 0.25,
      tokensIn: 600,
      tokensOut: 300,
      cacheHitRate: EXPECTED_CACHE.all.hitRate,
    });
    expectWithin1Pct(f.p95ResponseMs, 385);
    expectWithin1Pct(f.p99ResponseMs, 397);
    expect(f.costUsd).toBeCloseTo(0.015, 12);
    expect(f.satisfaction).toBeCloseTo(2 / 3, 12);
    expect(body.previous).toMatchObject({
      requests: 1,
      errorRate: 0,
      activeUsers: 1,
      aiCalls: null,
      p50ResponseMs: null,
    });
    expect(body.trends.requests).toBe(3);
    expect(body.trends.errorRate).toBeNull();
    expect(body.trends.aiCalls).toBeNull();
  });

  it('agrees with the pure percentile on the same samples', async () => {
    const range = parseRange({ from: iso(FROM), to: iso(TO) });
    const overview = await getOverview({ projectId: known.project.id }, range, NO_FILTERS);
    expectWithin1Pct(overview.figures.p95ResponseMs, percentile([100, 200, 300, 400], 0.95));
  });

  it('answers the user experience figures', async () => {
    const { status, body } = await get<Experience>(`/api/v1/stats/experience?${RANGE}`, known.key);
    expect(status).toBe(200);
    expect(body.response.count).toBe(4);
    expect(body.response.durationMs).toMatchObject({ p50: within1Pct(250) });
    expectWithin1Pct(body.response.ttftMs.p50, 25);
    expect(body.streaming.count).toBe(3);
    expectWithin1Pct(body.streaming.ttftMs.p50, 20);
    expectWithin1Pct(body.streaming.ttftMs.p95, 29);
    expect(body.responseLength).toEqual({ avg: 2500, p50: within1Pct(2500) });
    expect(body.errors).toMatchObject({ requests: 4, serverErrors: 2, errorRate: 0.5 });
    expect(body.users).toEqual({ dau: 3, wau: 4, mau: 5, stickiness: 0.6 });
    expect(body.sessions).toEqual({
      count: 3,
      messagesPerSession: 4 / 3,
      avgDurationMs: 1_600_000,
      p50DurationMs: within1Pct(1_500_000),
    });
    expect(body.satisfaction.count).toBe(3);
    expect(body.satisfaction.share).toBeCloseTo(2 / 3, 12);
    expect(body.satisfaction.average).toBeCloseTo(11 / 3, 12);
    expect(body.satisfaction.distribution.map((d) => d.count)).toEqual([0, 1, 0, 1, 1]);
    expect(body.webVitals.overall).toEqual({
      lcp: within1Pct(3250),
      inp: within1Pct(175),
      cls: within1Pct(0.1),
      samples: 7,
    });
    expect(body.webVitals.byPage).toEqual([
      { path: '/chat', lcp: within1Pct(2500), inp: within1Pct(175), cls: null, samples: 5 },
      { path: '/', lcp: within1Pct(4000), inp: null, cls: within1Pct(0.1), samples: 2 },
    ]);
    expect(body.routes.byVolume.map((r) => [r.route, r.requests, r.errorRate])).toEqual([
      ['/api/chat', 3, 1 / 3],
      ['/api/health', 1, 1],
    ]);
    expect(body.routes.byP95[0]).toMatchObject({ route: '/api/chat', p95Ms: within1Pct(840) });
  });

  it('fills every bucket of the charts, with null latency and 0 requests where there is none', async () => {
    const { body } = await get<Experience>(`/api/v1/stats/experience?${RANGE}&bucket=30m`, known.key);
    expect(body.bucketMs).toBe(30 * MINUTE);
    const starts = body.errors.series.map((p) => p.t);
    expect(starts[0]).toBe(iso(H - 30 * MINUTE));
    expect(starts).toHaveLength(6);
    expect(body.errors.series.map((p) => p.requests)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(body.errors.series.map((p) => p.errorRate)).toEqual([0, null, 0, 1, null, 1]);
    expect(body.response.series.map((p) => p.p50Ms)).toEqual(
      [null, 100, 200, 300, 400, null].map((ms) => within1Pct(ms)),
    );
  });

  it('answers the AI figures by model, with costs, distributions, caches and rated quality', async () => {
    const { status, body } = await get<Ai>(`/api/v1/stats/ai?${RANGE}`, known.key);
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({ calls: 4, errorRate: 0.25, users: 3 });
    expect(body.totals.costUsd).toBeCloseTo(0.015, 12);
    expect(body.totals.costPerUser).toBeCloseTo(0.005, 12);
    const [haiku, sonnet] = body.models;
    expect(haiku).toMatchObject({
      model: 'claude-haiku-4-5',
      calls: 2,
      errors: 0,
      tokensIn: 500,
      tokensOut: 250,
      durationMs: { p50: within1Pct(500) },
    });
    expect(haiku!.costPerRequest).toBeCloseTo(0.0025, 12);
    expect(sonnet).toMatchObject({
      model: 'claude-sonnet-4-5',
      calls: 2,
      errors: 1,
      errorRate: 0.5,
      durationMs: { p50: within1Pct(1000), p95: within1Pct(1000) },
    });
    expect(body.errorTypes).toEqual([
      { model: 'claude-sonnet-4-5', errorType: 'overloaded_error', count: 1 },
    ]);
    expect(body.costPerUser.map((u) => u.userId)).toEqual(['u1', 'u3', 'u2']);
    const calls = knownEvents.filter((e) => e.type === 'ai.call');
    expect(body.costPerUser).toEqual(
      costPerUser(calls.map((e) => ({ userId: e.userId as string, costUsd: e.costUsd as number }))),
    );
    expect(body.temperature).toEqual([
      { temperature: 0.3, count: 1 },
      { temperature: 0.7, count: 1 },
      { temperature: 1, count: 1 },
    ]);
    expect(body.contextLength).toEqual([
      { lo: 0, hi: 1024, count: 1 },
      { lo: 1024, hi: 2048, count: 1 },
      { lo: 2048, hi: 4096, count: 1 },
    ]);
    // Recomputed from the events under the current definition (see EXPECTED_CACHE).
    expect(EXPECTED_CACHE.llm).toEqual({ lookups: 2, hits: 1, hitRate: 0.5 });
    expect(EXPECTED_CACHE.kv).toEqual({ lookups: 4, hits: 3, hitRate: 0.75 });
    expect(body.cache).toEqual({ llm: EXPECTED_CACHE.llm, kv: EXPECTED_CACHE.kv });
    expect(body.retrieval).toEqual({
      count: 2,
      durationMs: { p50: within1Pct(100), p95: within1Pct(145) },
      avgResults: 3,
    });
    expect(body.quality).toEqual({
      byModel: [
        { model: 'claude-haiku-4-5', ratings: 2, averageScore: 3, satisfaction: 0.5 },
        { model: 'claude-sonnet-4-5', ratings: 1, averageScore: 5, satisfaction: 1 },
      ],
      unattributed: 0,
    });
    const sonnetSeries = body.series.find((s) => s.model === 'claude-sonnet-4-5')!;
    expect(sonnetSeries.points.reduce((sum, p) => sum + p.calls, 0)).toBe(2);
    expect(body.costPerDay.reduce((sum, d) => sum + d.costUsd, 0)).toBeCloseTo(0.015, 12);
  });

  it('lists the 50 latest errors of many, each with its exact count and sources, from rollups and raw rows', async () => {
    const { project, key } = await newProject();
    const now = Date.now();
    // 70 distinct errors, the k-th last seen k minutes ago, each reported k % 3 + 1 times by two sources.
    const errors = Array.from({ length: 70 }, (_, k) =>
      Array.from({ length: (k % 3) + 1 }, (_, j) => ({
        type: 'error',
        errorType: `E${k}`,
        message: `failure ${k}`,
        route: '/api/chat',
        source: j % 2 ? 'ai' : 'api',
        timestamp: new Date(now - (k + 1) * MINUTE - j * 1000).toISOString(),
      })),
    ).flat();
    await ingest(project.id, errors);
    const read = async () => (await get<System>('/api/v1/stats/system?range=24h', key)).body.errors;
    const expected = Array.from({ length: 50 }, (_, k) => ({
      errorType: `E${k}`,
      route: '/api/chat',
      message: `failure ${k}`,
      sources: k % 3 === 0 ? ['api'] : ['ai', 'api'],
      count: (k % 3) + 1,
      lastSeen: new Date(now - (k + 1) * MINUTE).toISOString(),
    }));
    expect(await read()).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await rollUp({ budgetMs: 30_000 });
    expect(await read()).toEqual(expected);
  });

  it('answers the system figures', async () => {
    const { status, body } = await get<System>(`/api/v1/stats/system?${RANGE}`, known.key);
    expect(status).toBe(200);
    expect(body.http).toMatchObject({
      requests: 4,
      successRate: 0.5,
      clientErrorRate: 0,
      serverErrorRate: 0.5,
    });
    expect(body.http.requestsPerMinute).toBeCloseTo(4 / 150, 12);
    expect(body.routes.map((r) => [r.route, r.requests, r.successRate, r.serverErrors])).toEqual([
      ['/api/chat', 3, 2 / 3, 1],
      ['/api/health', 1, 0, 1],
    ]);
    expect(body.rateLimits).toEqual({
      total: 3,
      byRoute: [
        { route: '/api/chat', hits: 2 },
        { route: '/api/auth/login', hits: 1 },
      ],
    });
    expect(
      body.resources.map((r) => ({
        service: r.service,
        resource: r.resource,
        unit: r.unit,
        avg: r.avg,
        max: r.max,
      })),
    ).toEqual([
      { service: 'api', resource: 'cpu', unit: '%', avg: 20, max: 30 },
      { service: 'api', resource: 'memory', unit: 'MB', avg: 600, max: 700 },
    ]);
    expect(body.errors).toEqual([
      {
        errorType: 'DatabaseTimeout',
        route: '/api/chat',
        message: 'statement timeout',
        sources: ['database'],
        count: 1,
        lastSeen: at(50 * MINUTE),
      },
      {
        errorType: 'TypeError',
        route: '/chat',
        message: 'boom',
        sources: ['client'],
        count: 2,
        lastSeen: at(20 * MINUTE),
      },
    ]);
    expect(body.dependencies).toBeNull();
  });

  it('answers null figures, not zeros, for a project without events', async () => {
    const empty = await newProject();
    const { body } = await get<Overview>(`/api/v1/stats/overview?${RANGE}`, empty.key);
    for (const value of Object.values(body.figures)) expect(value).toBeNull();
    const experience = (await get<Experience>(`/api/v1/stats/experience?${RANGE}`, empty.key)).body;
    expect(experience.errors.errorRate).toBeNull();
    expect(experience.users.stickiness).toBeNull();
    expect(experience.sessions).toEqual({
      count: 0,
      messagesPerSession: null,
      avgDurationMs: null,
      p50DurationMs: null,
    });
    expect(experience.response.series.every((p) => p.count === 0 && p.p95Ms === null)).toBe(true);
    const ai = (await get<Ai>(`/api/v1/stats/ai?${RANGE}`, empty.key)).body;
    expect(ai.totals).toEqual({
      calls: 0,
      errorRate: null,
      costUsd: null,
      costPerRequest: null,
      costPerUser: null,
      users: 0,
    });
    expect(ai.cache.llm.hitRate).toBeNull();
    const system = (await get<System>(`/api/v1/stats/system?${RANGE}`, empty.key)).body;
    expect(system.http.successRate).toBeNull();
  });

  it('narrows results by service, environment and model', async () => {
    const { project, key } = await newProject();
    const t = at(30 * MINUTE);
    await ingest(project.id, [
      {
        type: 'ai.call',
        model: 'claude-sonnet-4-5',
        durationMs: 100,
        costUsd: 0.01,
        userId: 'b1',
        service: 'api',
        environment: 'production',
        timestamp: t,
      },
      {
        type: 'ai.call',
        model: 'claude-haiku-4-5',
        durationMs: 100,
        costUsd: 0.02,
        userId: 'b2',
        service: 'worker',
        environment: 'staging',
        timestamp: t,
      },
      {
        type: 'http.request',
        route: '/a',
        status: 200,
        durationMs: 5,
        service: 'api',
        environment: 'production',
        timestamp: t,
      },
      {
        type: 'http.request',
        route: '/a',
        status: 500,
        durationMs: 5,
        service: 'worker',
        environment: 'staging',
        timestamp: t,
      },
    ]);
    const figures = async (filter: string) => {
      const { costUsd, aiCalls, requests, errorRate, activeUsers } = (
        await get<Overview>(`/api/v1/stats/overview?${RANGE}${filter}`, key)
      ).body.figures;
      return {
        cents: costUsd === null ? null : Math.round(costUsd * 100),
        aiCalls,
        requests,
        errorRate,
        activeUsers,
      };
    };
    expect(await figures('')).toEqual({ aiCalls: 2, cents: 3, requests: 2, errorRate: 0.5, activeUsers: 2 });
    expect(await figures('&environment=staging')).toEqual({
      aiCalls: 1,
      cents: 2,
      requests: 1,
      errorRate: 1,
      activeUsers: 1,
    });
    expect(await figures('&service=api')).toEqual({
      aiCalls: 1,
      cents: 1,
      requests: 1,
      errorRate: 0,
      activeUsers: 1,
    });
    expect(await figures('&model=claude-haiku-4-5')).toEqual({
      aiCalls: 1,
      cents: 2,
      requests: 2,
      errorRate: 0.5,
      activeUsers: 2,
    });
    expect(await figures('&service=nope')).toEqual({
      aiCalls: null,
      cents: null,
      requests: null,
      errorRate: null,
      activeUsers: null,
    });
    const ai = (await get<Ai>(`/api/v1/stats/ai?${RANGE}&model=claude-sonnet-4-5`, key)).body;
    expect(ai.models.map((m) => m.model)).toEqual(['claude-sonnet-4-5']);
    expect(await getFilterOptions({ projectId: project.id })).toEqual({
      services: ['api', 'worker'],
      environments: ['production', 'staging'],
      models: ['claude-haiku-4-5', 'claude-sonnet-4-5'],
    });
  });

  it('counts users and sessions exactly across rollup hours and raw edges, as the pure definitions do', async () => {
    const scope = { projectId: known.project.id };
    const stored = knownEvents.map((e) => ({
      type: e.type as string,
      userId: (e.userId as string | undefined) ?? null,
      sessionId: (e.sessionId as string | undefined) ?? null,
      ts: new Date(e.timestamp as string),
    }));
    for (const [from, to] of [
      [H - 50 * MINUTE, H + 65 * MINUTE],
      [H - 12 * MINUTE, H + 2 * HOUR],
      [H + 30 * MINUTE, H + 45 * MINUTE],
      [H - HOUR, H + 3 * HOUR],
    ] as const) {
      const range = parseRange({ from: iso(from), to: iso(to) });
      const inRange = stored.filter((e) => e.ts.getTime() >= from && e.ts.getTime() < to);
      const sessions = summarizeSessions(inRange);
      const experience = await getExperience(scope, range, NO_FILTERS);
      expect(experience.sessions).toEqual({
        count: sessions.length,
        messagesPerSession: ratio(sum(sessions.map((s) => s.messages)), sessions.length),
        avgDurationMs: mean(sessions.map((s) => s.durationMs)),
        p50DurationMs: within1Pct(
          percentile(
            sessions.map((s) => s.durationMs),
            0.5,
          ),
        ),
      });
      expect(experience.users).toEqual(activeUsers(stored, range.to));
      const overview = await getOverview(scope, range, NO_FILTERS);
      expect(overview.figures.activeUsers).toBe(
        new Set(inRange.map((e) => e.userId).filter(Boolean)).size || null,
      );
    }
  });

  it('rolls up each stored event once: a re-sent batch changes no figure', async () => {
    const { project, key } = await newProject();
    const batch = {
      events: [
        { id: 'm1', type: 'message.received', userId: 'd1', sessionId: 'ds', timestamp: at(10 * MINUTE) },
        { id: 'm2', type: 'message.received', userId: 'd1', sessionId: 'ds', timestamp: at(70 * MINUTE) },
      ],
    };
    await ingestBatch(project.id, batch);
    expect((await ingestBatch(project.id, batch)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    const { body } = await get<Experience>(`/api/v1/stats/experience?${RANGE}`, key);
    expect(body.sessions).toEqual({
      count: 1,
      messagesPerSession: 2,
      avgDurationMs: HOUR,
      p50DurationMs: within1Pct(HOUR),
    });
    const db = await getDb();
    const rows = await db
      .select()
      .from(schema.eventActivityHourly)
      .where(eq(schema.eventActivityHourly.projectId, project.id));
    expect(
      rows.map((r) => [r.hour.toISOString(), r.service, r.userId, r.sessionId, r.events, r.messages]).sort(),
    ).toEqual([
      [at(0), 'app', 'd1', 'ds', 1, 1],
      [at(HOUR), 'app', 'd1', 'ds', 1, 1],
    ]);
  });

  it('pages through logs and errors newest first, each entry once, with level, event and literal text filters', async () => {
    const { project, key } = await newProject();
    const same = at(90 * MINUTE);
    await ingest(project.id, [
      ...Array.from({ length: 7 }, (_, i) => ({
        type: 'log',
        level: i % 2 ? 'info' : 'warn',
        event: i < 3 ? 'tie.break' : `job.${i}`,
        message: i === 5 ? 'disk 100% full' : i === 6 ? 'disk 1000 full' : `line ${i}`,
        traceId: i === 4 ? 'trace-x' : undefined,
        data: { i },
        timestamp: i < 3 ? same : at((80 + i) * MINUTE),
      })),
      {
        type: 'error',
        errorType: 'TypeError',
        message: 'boom',
        source: 'client',
        timestamp: at(81 * MINUTE),
      },
      {
        type: 'error',
        errorType: 'TypeError',
        message: 'boom',
        source: 'client',
        timestamp: at(82 * MINUTE),
      },
      {
        type: 'error',
        errorType: 'KvError',
        message: 'kv down',
        source: 'cache',
        timestamp: at(83 * MINUTE),
      },
      { type: 'page.view', path: '/', timestamp: at(84 * MINUTE) },
    ]);
    const seen: LogPage['entries'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body }: { status: number; body: LogPage } = await get<LogPage>(
        `/api/v1/stats/logs?${RANGE}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        key,
      );
      expect(status).toBe(200);
      seen.push(...body.entries);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((e) => e.id)).size).toBe(10);
    const order = seen.map((e) => [e.ts, e.id]);
    expect(order).toEqual(
      [...order].sort((a, b) => (a[0]! < b[0]! ? 1 : a[0]! > b[0]! ? -1 : a[1]! < b[1]! ? 1 : -1)),
    );
    const first = seen.find((e) => e.traceId === 'trace-x')!;
    expect(first.fields).toMatchObject({
      type: 'log',
      level: 'warn',
      name: 'job.4',
      attributes: { data: { i: 4 } },
    });

    const query = async (q: string) =>
      (await get<LogPage>(`/api/v1/stats/logs?${RANGE}&${q}`, key)).body.entries;
    expect((await query('q=100%25')).map((e) => e.message)).toEqual(['disk 100% full']);
    expect((await query('q=_')).length).toBe(0);
    expect((await query('levels=error')).map((e) => e.event)).toEqual(['KvError', 'TypeError', 'TypeError']);
    expect((await query('event=tie.break')).length).toBe(3);
    expect((await query('trace=trace-x')).map((e) => e.event)).toEqual(['job.4']);
  });

  it('refuses a missing key, an unknown dashboard, bad parameters and a tampered cursor', async () => {
    expect((await get(`/api/v1/stats/overview`, null)).status).toBe(401);
    const unknown = await get<{ error: { code: string; message: string } }>(`/api/v1/stats/nope`, known.key);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/overview, experience, ai, system/);
    const cases: [string, RegExp][] = [
      [`/api/v1/stats/overview?from=yesterday`, /"from" must be an ISO 8601/],
      [`/api/v1/stats/overview?from=${iso(TO)}&to=${iso(FROM)}`, /before/],
      [`/api/v1/stats/ai?range=2w`, /"range"/],
      [`/api/v1/stats/system?${RANGE}&bucket=7m`, /"bucket"/],
      [`/api/v1/stats/logs?levels=loud`, /"levels"/],
      [`/api/v1/stats/logs?limit=5000`, /"limit"/],
      [`/api/v1/stats/logs?cursor=abc`, /cursor/],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await get<{ error: { code: string; message: string } }>(path, known.key);
      expect([path, status]).toEqual([path, 400]);
      expect(body.error.message).toMatch(message);
    }
  });

  it('answers 400, never 500, to control characters, out-of-window dates, unknown parameters and crafted cursors', async () => {
    type Failure = { error: { code: string; message: string } };
    const stamp = (ts: string, id: unknown) => Buffer.from(JSON.stringify([ts, id])).toString('base64url');
    const cases: [string, RegExp][] = [];
    for (const dashboard of ['overview', 'experience', 'ai', 'system']) {
      for (const name of ['service', 'environment', 'model', 'range', 'from', 'to', 'bucket']) {
        cases.push([
          `/api/v1/stats/${dashboard}?${name}=%00`,
          new RegExp(`^"${name}" contains the control character U\\+0000`),
        ]);
      }
      cases.push(
        [`/api/v1/stats/${dashboard}?service=api%7F`, /"service" contains the control character U\+007F/],
        [`/api/v1/stats/${dashboard}?from=0000-01-01`, /"from" must lie between 2000-01-01/],
        [
          `/api/v1/stats/${dashboard}?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z`,
          /"to" must lie between/,
        ],
        [`/api/v1/stats/${dashboard}?to=123456789012345`, /"to" must lie between/],
        [
          `/api/v1/stats/${dashboard}?userId=u1`,
          /^Unknown parameter "userId"; the parameters are project, range,/,
        ],
      );
    }
    for (const name of [
      'service',
      'event',
      'user',
      'trace',
      'q',
      'levels',
      'limit',
      'from',
      'to',
      'cursor',
    ]) {
      cases.push([
        `/api/v1/stats/logs?${name}=a%00`,
        new RegExp(`^"${name}" contains the control character`),
      ]);
    }
    cases.push(
      [`/api/v1/stats/logs?from=0000-01-01`, /"from" must lie between/],
      [`/api/v1/stats/logs?to=999999999999999`, /"to" must lie between/],
      [`/api/v1/stats/logs?userId=u1`, /Unknown parameter "userId" \(did you mean "user"\?\)/],
      [`/api/v1/stats/logs?traceId=t1`, /did you mean "trace"/],
      [`/api/v1/stats/logs?text=boom`, /did you mean "q"/],
    );
    for (const cursor of [
      'abc',
      '%00',
      stamp('0000-01-01T00:00:00.000000Z', 'e1'),
      stamp('2025-02-30T00:00:00.000000Z', 'e1'),
      stamp('294277-01-01T00:00:00.000000Z', 'e1'),
      stamp(at(0).replace('Z', '000Z'), 'e\u00001'),
      stamp(at(0).replace('Z', '000Z'), 1e300),
      Buffer.from('[1e999,"e1"]').toString('base64url'),
    ]) {
      cases.push([`/api/v1/stats/logs?${RANGE}&cursor=${cursor}`, /cursor/]);
    }
    for (const [path, message] of cases) {
      const { status, body } = await get<Failure>(path, known.key);
      expect([path, status, body.error.code]).toEqual([path, 400, 'bad_request']);
      expect(body.error.message, path).toMatch(message);
    }
    // The project is read to authorize the request: whatever it holds, the answer is a 4xx.
    expect((await get(`/api/v1/stats/overview?project=%00`, known.key)).status).toBeLessThan(500);
  });

  it('pages on through a cursor it handed out at the edge of the window and of a microsecond', async () => {
    const { project, key } = await newProject();
    await ingest(project.id, [
      { type: 'log', level: 'info', event: 'edge', message: 'a', timestamp: at(10 * MINUTE) },
      { type: 'log', level: 'info', event: 'edge', message: 'b', timestamp: at(10 * MINUTE) },
    ]);
    const first = await get<LogPage>(`/api/v1/stats/logs?${RANGE}&limit=1`, key);
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await get<LogPage>(
      `/api/v1/stats/logs?${RANGE}&limit=1&cursor=${first.body.nextCursor}`,
      key,
    );
    expect(second.status).toBe(200);
    expect(second.body.entries.map((e) => e.message)).toEqual(
      first.body.entries[0]!.message === 'a' ? ['b'] : ['a'],
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('keeps each project to its own key', async () => {
    const other = await newProject();
    const { status } = await get(`/api/v1/stats/overview?project=${known.project.slug}`, other.key);
    expect(status).toBe(403);
    const own = await get<Overview>(`/api/v1/stats/overview?${RANGE}`, other.key);
    expect(own.body.figures.requests).toBeNull();
  });
});
