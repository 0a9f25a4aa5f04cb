/**
 * Ingest benchmark: a production server on the machine's Postgres (and Redis when REDIS_URL is set),
 * concurrent clients POSTing batches of 100 events for DURATION seconds, then the same number of rows
 * inserted directly with the driver as the ceiling. Usage: npm run bench:ingest [-- --seconds 20 --clients 8]
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import postgres from 'postgres';
import { ensureBuild, machine, percentile, startNext, watchPeakRss } from './lib';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 20);
const CLIENTS = arg('clients', 8);
const BATCH = 100;
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'chatwatch_bench';
const API_KEY = 'cw_bench_key_' + 'x'.repeat(40);

function makeEvent(run: string, n: number, t: number) {
  const user = `u${n % 5000}`;
  switch (n % 5) {
    case 0:
      return {
        type: 'ai.call',
        id: `${run}-${n}`,
        timestamp: t,
        userId: user,
        model: 'claude-sonnet-4-5',
        durationMs: 800 + (n % 900),
        timeToFirstTokenMs: 200 + (n % 300),
        inputTokens: 900 + (n % 500),
        outputTokens: 200 + (n % 400),
        cacheReadTokens: n % 3 ? 4000 : 0,
        status: n % 97 ? 'ok' : 'error',
      };
    case 1:
      return {
        type: 'response.sent',
        id: `${run}-${n}`,
        timestamp: t,
        userId: user,
        durationMs: 1000 + (n % 1200),
        timeToFirstTokenMs: 250 + (n % 300),
        responseLength: 600 + (n % 900),
        streamed: true,
      };
    case 2:
      return {
        type: 'http.request',
        id: `${run}-${n}`,
        timestamp: t,
        userId: user,
        route: '/api/chat',
        method: 'POST',
        status: n % 50 ? 200 : 503,
        durationMs: 40 + (n % 200),
      };
    case 3:
      return {
        type: 'cache',
        id: `${run}-${n}`,
        timestamp: t,
        userId: user,
        operation: 'get',
        cache: 'llm',
        hit: n % 7 !== 0,
        durationMs: 2,
      };
    default:
      return {
        type: 'log',
        id: `${run}-${n}`,
        timestamp: t,
        userId: user,
        level: 'info',
        event: 'chat.turn',
        message: 'turn completed',
        data: { n },
      };
  }
}

/**
 * The load generator shares the two cores with the server and Postgres, so it should cost as little as a
 * real client on its own machine: node:http over kept-alive sockets (undici's fetch costs several times more
 * CPU per request, which the server under test then does not get).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Bearer ${API_KEY}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  console.log(`machine: ${machine()}`);
  await ensureBuild();
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
  await admin.unsafe(`create database ${DB_NAME}`);
  await admin.end();
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${DB_NAME}`;

  const server = await startNext({
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env.REDIS_URL ?? '',
    INIT_API_KEY: API_KEY,
    INIT_PROJECT: 'bench',
    DEMO: '0',
    INGEST_RATE_LIMIT_PER_MINUTE: '10000000',
    DATABASE_POOL_SIZE: '10',
  });
  const memory = watchPeakRss(server.child.pid!);
  const run = randomUUID().slice(0, 8);
  let next = 0;
  let sent = 0;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const deadline = Date.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < deadline) {
        const first = next;
        next += BATCH;
        const now = Date.now();
        const events = Array.from({ length: BATCH }, (_, i) => makeEvent(run, first + i, now));
        const t0 = performance.now();
        const res = await post(`${server.url}/api/v1/events`, JSON.stringify({ events }));
        const body = JSON.parse(res.body) as { accepted?: number };
        latencies.push(performance.now() - t0);
        if (res.status === 200) sent += body.accepted ?? 0;
        else failures[res.status] = (failures[res.status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const peakMiB = memory.stop();
  server.stop();

  const sql = postgres(dbUrl.toString(), { max: CLIENTS, onnotice: () => {} });
  const [{ stored }] = (await sql`select count(*)::int as stored from events`) as unknown as [
    { stored: number },
  ];
  const [{ distinct }] =
    (await sql`select count(distinct event_id)::int as distinct from events`) as unknown as [
      { distinct: number },
    ];

  // Ceiling: the same number of rows, as the server builds them, inserted with the driver at the same concurrency.
  const [{ projectId }] =
    (await sql`select id as "projectId" from projects where slug = 'bench'`) as unknown as [
      { projectId: string },
    ];
  const ceilingRun = randomUUID().slice(0, 8);
  const total = next;
  let cursor = 0;
  const directStarted = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (cursor < total) {
        const first = cursor;
        cursor += BATCH;
        const now = new Date();
        const rows = Array.from({ length: BATCH }, (_, i) =>
          toRow(projectId, makeEvent(ceilingRun, first + i, now.getTime()), now),
        );
        await sql`insert into events ${sql(rows as unknown as Record<string, string>[])} on conflict do nothing`;
      }
    }),
  );
  const directSeconds = (performance.now() - directStarted) / 1000;
  await sql.end();

  latencies.sort((a, b) => a - b);
  const rate = sent / elapsed;
  const directRate = total / directSeconds;
  const lines = [
    `duration: ${elapsed.toFixed(1)} s, clients: ${CLIENTS}, batch: ${BATCH}`,
    `requests: ${latencies.length}, non-200: ${JSON.stringify(failures)}`,
    `events accepted: ${sent}, rows stored: ${stored}, distinct ids: ${distinct}, lost: ${next - stored - countFailed(failures)}, doubled: ${stored - distinct}`,
    `ingest: ${Math.round(rate).toLocaleString('en-US')} events/s`,
    `request latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    `server peak RSS: ${peakMiB.toFixed(0)} MiB`,
    `direct insert (driver, same rows and concurrency): ${Math.round(directRate).toLocaleString('en-US')} rows/s`,
    `ingest / direct: ${(rate / directRate).toFixed(2)}`,
  ];
  console.log('\n' + lines.join('\n'));
  process.exit(0);

  function countFailed(f: Record<string, number>) {
    return Object.values(f).reduce((a, b) => a + b, 0) * BATCH;
  }
}

/** Mirrors lib/ingest/to-row for the five benchmark event kinds, in SQL column names. */
function toRow(projectId: string, e: ReturnType<typeof makeEvent>, now: Date) {
  const r = e as Record<string, unknown>;
  return {
    project_id: projectId,
    event_id: r.id,
    type: r.type,
    ts: now,
    user_id: r.userId ?? null,
    service: 'app',
    model: r.model ?? null,
    duration_ms: r.durationMs ?? null,
    ttft_ms: r.timeToFirstTokenMs ?? null,
    input_tokens: r.inputTokens ?? null,
    output_tokens: r.outputTokens ?? null,
    cache_read_tokens: r.cacheReadTokens ?? null,
    cost_usd: r.type === 'ai.call' ? 0.005 : null,
    status: r.type === 'ai.call' ? r.status : null,
    http_status: r.type === 'http.request' ? r.status : null,
    route: r.route ?? null,
    method: r.method ?? null,
    operation: r.operation ?? null,
    cache_name: r.cache ?? null,
    hit: r.hit ?? null,
    streamed: r.streamed ?? null,
    length: r.responseLength ?? null,
    level: r.level ?? null,
    name: r.event ?? null,
    message: r.message ?? null,
    attributes: r.data ? JSON.stringify({ data: r.data }) : null,
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
