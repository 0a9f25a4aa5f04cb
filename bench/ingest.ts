/**
 * Ingest benchmark: a production server on the machine's Postgres (and Redis when REDIS_URL is set), concurrent
 * clients POSTing batches of 100 events, against the ceiling: the same kind of rows inserted directly with the
 * driver at the same concurrency. The two alternate in windows (ingest, direct, ingest, ...) so a machine that
 * speeds up or slows down during the run weighs on both alike; request bodies and rows are built between windows,
 * so the windows time the system under test, not the load generator.
 * Usage: npm run bench:ingest [-- --seconds 20 --window 5 --clients 8]
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import {
  addCpu,
  ensureBuild,
  machine,
  pause,
  percentile,
  perK,
  post,
  numberArg,
  recreateDatabase,
  startIngestServer,
  watchPeakRss,
  window,
  zeroCpu,
} from './lib';

const SECONDS = numberArg('seconds', 20);
const WINDOW = numberArg('window', 5);
const CLIENTS = numberArg('clients', 8);
const BATCH = 100;
const DB_NAME = 'chatwatch_bench';
const API_KEY = 'cw_bench_key_' + 'x'.repeat(40);

function makeEvent(run: string, n: number, t: number) {
  const user = `u${n % 5000}`;
  // A chat app's events carry their session (events_session_ts_idx indexes them): a user's session changes
  // every 100,000 events of the run.
  const sessionId = `${user}-s${Math.floor(n / 100_000)}`;
  switch (n % 5) {
    case 0:
      return {
        type: 'ai.call',
        id: `${run}-${n}`,
        timestamp: t,
        userId: user,
        sessionId,
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
        sessionId,
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
        sessionId,
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
        sessionId,
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
        sessionId,
        level: 'info',
        event: 'chat.turn',
        message: 'turn completed',
        data: { n },
      };
  }
}

async function main() {
  console.log(`machine: ${machine()}`);
  await ensureBuild();
  const dbUrl = new URL(await recreateDatabase(DB_NAME));
  const server = await startIngestServer(dbUrl.toString(), API_KEY);
  const memory = watchPeakRss(server.child.pid!);
  const sql = postgres(dbUrl.toString(), { max: CLIENTS, onnotice: () => {} });
  const [{ projectId }] =
    (await sql`select id as "projectId" from projects where slug = 'bench'`) as unknown as [
      { projectId: string },
    ];

  const run = randomUUID().slice(0, 8);
  const ceilingRun = randomUUID().slice(0, 8);
  let builtEvents = 0;
  let directNext = 0;
  let budget = 60_000 * WINDOW; // events a window may need; then 1.5x the fastest window so far
  const ingest = {
    events: 0,
    seconds: 0,
    cpu: zeroCpu(),
    latencies: [] as number[],
    failures: {} as Record<string, number>,
    builtLate: 0,
    attempted: 0,
  };
  const direct = { rows: 0, seconds: 0, cpu: zeroCpu(), builtLate: 0 };
  const rounds: { ingest: number; direct: number }[] = [];

  let counted = false;
  // Round 0 warms the server's JIT and Postgres' caches and is not counted.
  for (let round = 0; round <= Math.ceil(SECONDS / WINDOW); round++) {
    counted = round > 0;
    const bodies = Array.from({ length: Math.ceil(budget / BATCH) }, () => nextBody());
    await pause();
    const ingested = await window(CLIENTS, WINDOW, server.child.pid!, async () => {
      let body = bodies.pop();
      if (body === undefined) {
        ingest.builtLate++;
        body = nextBody();
      }
      ingest.attempted += BATCH;
      const t0 = performance.now();
      const res = await post(`${server.url}/api/v1/events`, body, { Authorization: `Bearer ${API_KEY}` });
      if (counted) ingest.latencies.push(performance.now() - t0);
      if (res.status === 200) return (JSON.parse(res.body.toString('utf8')) as { accepted: number }).accepted;
      ingest.failures[res.status] = (ingest.failures[res.status] ?? 0) + 1;
      return 0;
    });
    if (counted) {
      ingest.events += ingested.count;
      ingest.seconds += ingested.seconds;
      addCpu(ingest.cpu, ingested.cpu);
    }

    const batches = Array.from({ length: Math.ceil(budget / BATCH) }, () => nextRows());
    await pause();
    const inserted = await window(CLIENTS, WINDOW, undefined, async () => {
      let rows = batches.pop();
      if (rows === undefined) {
        direct.builtLate++;
        rows = nextRows();
      }
      await sql`insert into events ${sql(rows as unknown as Record<string, string>[])} on conflict do nothing`;
      return BATCH;
    });
    if (counted) {
      direct.rows += inserted.count;
      direct.seconds += inserted.seconds;
      addCpu(direct.cpu, inserted.cpu);
      rounds.push({ ingest: ingested.count / ingested.seconds, direct: inserted.count / inserted.seconds });
    }
    budget = Math.max(
      budget,
      1.5 * WINDOW * Math.max(ingested.count / ingested.seconds, inserted.count / inserted.seconds),
    );
  }
  await new Promise((r) => setTimeout(r, 500));
  const peakMiB = memory.stop();
  server.stop();

  const [{ stored, distinct }] = (await sql`
    select count(*)::int as stored, count(distinct event_id)::int as distinct
    from events where event_id like ${run + '-%'}`) as unknown as [{ stored: number; distinct: number }];
  await sql.end();

  const failed = Object.values(ingest.failures).reduce((a, b) => a + b, 0) * BATCH;
  ingest.latencies.sort((a, b) => a - b);
  const rate = ingest.events / ingest.seconds;
  const directRate = direct.rows / direct.seconds;
  const ratios = rounds.map((r) => r.ingest / r.direct).sort((a, b) => a - b);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `${rounds.length} rounds of ${WINDOW} s ingest + ${WINDOW} s direct after one warm-up round, clients: ${CLIENTS}, batch: ${BATCH}`,
    ...rounds.map(
      (r, i) =>
        `  round ${i + 1}: ingest ${fmt(r.ingest)} events/s, direct ${fmt(r.direct)} rows/s, ratio ${(r.ingest / r.direct).toFixed(2)}`,
    ),
    `requests: ${ingest.latencies.length}, non-200: ${JSON.stringify(ingest.failures)}; batches built inside a window (should be 0): ingest ${ingest.builtLate}, direct ${direct.builtLate}`,
    `events sent (warm-up included): ${ingest.attempted}, rows stored: ${stored}, distinct ids: ${distinct}, lost: ${ingest.attempted - failed - stored}, doubled: ${stored - distinct}`,
    `ingest: ${fmt(rate)} events/s`,
    `request latency: p50 ${percentile(ingest.latencies, 50).toFixed(1)} ms, p99 ${percentile(ingest.latencies, 99).toFixed(1)} ms`,
    `server peak RSS: ${peakMiB.toFixed(0)} MiB`,
    `direct insert (driver, same kind of rows and concurrency): ${fmt(directRate)} rows/s`,
    `ingest / direct: ${(rate / directRate).toFixed(2)} (rounds: min ${ratios[0]!.toFixed(2)}, median ${percentile(ratios, 50).toFixed(2)})`,
    `CPU per 1,000 events, ingest: server ${perK(ingest.cpu.server, ingest.events)}, postgres ${perK(ingest.cpu.postgres, ingest.events)}, load generator ${perK(ingest.cpu.self, ingest.events)}; cores busy ${((ingest.cpu.server + ingest.cpu.postgres + ingest.cpu.self) / ingest.seconds).toFixed(2)}`,
    `CPU per 1,000 rows, direct: postgres ${perK(direct.cpu.postgres, direct.rows)}, driver ${perK(direct.cpu.self, direct.rows)}; cores busy ${((direct.cpu.postgres + direct.cpu.self) / direct.seconds).toFixed(2)}`,
  ];
  console.log('\n' + lines.join('\n'));
  process.exit(0);

  function nextBody() {
    const now = Date.now();
    const first = builtEvents;
    builtEvents += BATCH;
    return JSON.stringify({
      events: Array.from({ length: BATCH }, (_, i) => makeEvent(run, first + i, now)),
    });
  }

  function nextRows() {
    const now = new Date();
    return Array.from({ length: BATCH }, () =>
      toRow(projectId, makeEvent(ceilingRun, directNext++, now.getTime()), now),
    );
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
    session_id: r.sessionId ?? null,
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
