/**
 * Dashboard benchmark: bulk-loads N events over D days (bench/load-events.ts, which also catches the rollups
 * up), starts a production server on that database, then times 20 sequential requests per dashboard and
 * range, of the read API and of the page HTML (AUTH_MODE=none), and prints the storage per event.
 * Target (issue 10): every p95 under 200 ms at 10 M events; also `GET /api/v1/metrics` (issue 11, the same target).
 * Usage: npm run bench:dashboards -- [--events 1000000] [--days 30] [--requests 20] [--database NAME]
 *          [--ranges 24h,30d,90d,1y] [--dashboards overview,experience,ai,system,logs] [--warmup 10] [--reuse]
 *          [--rebuild]
 *   --reuse keeps the loaded database (its "last 24 h" then ends at load time, so load again for true figures).
 *   Older data for the 90 d and 1 y ranges: `npm run bench:load -- --keep --until-days-ago 30 --days 90 ...`
 *   into the same database, then `DATABASE_URL=... npm run db:retention` to drop the raw rows past retention.
 */
import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { benchDatabaseUrl, ensureBuild, machine, percentile, startNext } from './lib';
import { BENCH_DASH_DB, loadEvents } from './load-events';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 1_000_000);
const DAYS = arg('days', 30);
const REQUESTS = arg('requests', 20);
/**
 * Warm-up requests before the measured ones, so that the server's pool connections (10) have run the page's
 * statements: a new connection plans its first statements over the daily partitions cold (20-40 ms more each).
 * The first request's time is printed as `first ms` (0 without warm-up).
 */
const WARMUP = arg('warmup', 10);
const PROJECT = 'bench';
const API_KEY = 'cw_bench_dash_' + 'k'.repeat(40);
const ALL_DASHBOARDS = ['overview', 'experience', 'ai', 'system', 'logs'] as const;
type Dashboard = (typeof ALL_DASHBOARDS)[number];
const PAGES: Record<Dashboard, string> = {
  overview: '/',
  experience: '/experience',
  ai: '/ai',
  system: '/system',
  logs: '/logs',
};
const RANGES = (
  process.argv.includes('--ranges') ? process.argv[process.argv.indexOf('--ranges') + 1]! : '24h,30d,90d,1y'
).split(',');
/** `--dashboards experience` times one dashboard (and skips /api/v1/metrics), to compare one change quickly. */
const DASHBOARDS: readonly Dashboard[] = process.argv.includes('--dashboards')
  ? process.argv[process.argv.indexOf('--dashboards') + 1]!
      .split(',')
      .map((name) => {
        if (!(ALL_DASHBOARDS as readonly string[]).includes(name))
          throw new Error(`--dashboards: ${name} is not one of ${ALL_DASHBOARDS.join(', ')}`);
        return name as Dashboard;
      })
  : ALL_DASHBOARDS;
const DATABASE = process.argv.includes('--database')
  ? process.argv[process.argv.indexOf('--database') + 1]!
  : BENCH_DASH_DB;
const TARGET_MS = 200;

type Row = {
  target: string;
  range: string;
  /** The first warm-up request: the server's pool connections still cold for this page's statements. */
  first: number;
  median: number;
  p95: number;
  max: number;
  bytes: number;
};

async function time(url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return { ms, bytes: body.length };
}

async function measure(
  target: string,
  range: string,
  url: string,
  headers: Record<string, string>,
): Promise<Row> {
  let first = 0;
  for (let i = 0; i < WARMUP; i++) {
    const sample = await time(url, headers);
    if (i === 0) first = sample.ms;
  }
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const sample = await time(url, headers);
    samples.push(sample.ms);
    bytes = sample.bytes;
  }
  samples.sort((a, b) => a - b);
  return {
    target,
    range,
    first,
    median: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.at(-1)!,
    bytes,
  };
}

async function existingRows(): Promise<number> {
  const sql = postgres(benchDatabaseUrl(DATABASE), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from events e join projects p on p.id = e.project_id where p.slug = ${PROJECT}`;
    return row?.n ?? 0;
  } catch {
    return 0;
  } finally {
    await sql.end();
  }
}

/** Bytes per stored event of the raw partitions and of the rollups (pg_total_relation_size, with indexes). */
async function printStorage() {
  const sql = postgres(benchDatabaseUrl(DATABASE), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<
      { events: string; raw: string; rollups: string; users: string; sessions: string; activity: string }[]
    >`
      select (select count(*) from events)::text as events,
        (select sum(pg_total_relation_size(relid)) from pg_partition_tree('events'))::text as raw,
        pg_total_relation_size('metric_rollups')::text as rollups,
        (pg_total_relation_size('user_rollups') + pg_total_relation_size('user_sets')
          + pg_total_relation_size('user_index') + pg_total_relation_size('dimension_values'))::text as users,
        (pg_total_relation_size('session_rollups') + pg_total_relation_size('session_parts')
          + pg_total_relation_size('session_spans') + pg_total_relation_size('session_dirty_buckets'))::text as sessions,
        pg_total_relation_size('event_activity_hourly')::text as activity`;
    const n = Number(row!.events);
    const per = (bytes: string) => (Number(bytes) / n).toFixed(0);
    console.log(
      `storage at ${n.toLocaleString('en-US')} raw events: raw ${per(row!.raw)} B/event, metric rollups ${per(row!.rollups)} B/event, per-user rollups, user sets and picker values ${per(row!.users)} B/event, session rollups ${per(row!.sessions)} B/event, activity rollup ${per(row!.activity)} B/event`,
    );
  } finally {
    await sql.end();
  }
}

async function main() {
  console.log(`machine: ${machine()}`);
  if (process.argv.includes('--reuse') && (await existingRows()) >= EVENTS) {
    console.log(`reusing ${DATABASE}`);
  } else {
    console.log(`loading ${EVENTS.toLocaleString('en-US')} events over ${DAYS} days into ${DATABASE} ...`);
    const loaded = await loadEvents({
      events: EVENTS,
      days: DAYS,
      database: DATABASE,
      project: PROJECT,
      keep: false,
    });
    console.log(
      `loaded ${loaded.rows.toLocaleString('en-US')} rows in ${loaded.seconds.toFixed(0)} s, rolled up in ${loaded.rollupSeconds.toFixed(0)} s`,
    );
  }
  await ensureBuild();
  const server = await startNext({
    DATABASE_URL: benchDatabaseUrl(DATABASE),
    INIT_API_KEY: API_KEY,
    INIT_PROJECT: PROJECT,
    AUTH_MODE: 'none',
    DEMO: '0',
    REDIS_URL: '',
    KV_REST_API_URL: '',
    KV_REST_API_TOKEN: '',
  });
  const rows: Row[] = [];
  const pagesExist = existsSync('app/(dashboard)/page.tsx');
  try {
    for (const dashboard of DASHBOARDS) {
      for (const range of RANGES) {
        const api = `${server.url}/api/v1/stats/${dashboard}?range=${range}`;
        rows.push(
          await measure(`GET /api/v1/stats/${dashboard}`, range, api, { Authorization: `Bearer ${API_KEY}` }),
        );
        if (pagesExist) {
          const page = `${server.url}${PAGES[dashboard]}?range=${range}&project=${PROJECT}`;
          rows.push(await measure(`GET ${PAGES[dashboard]} (page)`, range, page, {}));
        }
        const last = rows.slice(pagesExist ? -2 : -1);
        for (const r of last)
          console.log(
            `  ${r.target} ${r.range}: median ${r.median.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms`,
          );
      }
    }
    if (DASHBOARDS === ALL_DASHBOARDS) {
      // The Prometheus exposition: counted since 00:00 UTC, whatever the range (issue 11: p95 < 200 ms at 10 M).
      const metrics = await measure('GET /api/v1/metrics', 'today', `${server.url}/api/v1/metrics`, {
        Authorization: `Bearer ${API_KEY}`,
      });
      rows.push(metrics);
      console.log(
        `  ${metrics.target}: median ${metrics.median.toFixed(0)} ms, p95 ${metrics.p95.toFixed(0)} ms`,
      );
    }
  } finally {
    server.stop();
  }
  const width = Math.max(...rows.map((r) => r.target.length));
  console.log(
    `\n${EVENTS.toLocaleString('en-US')} events over ${DAYS} days; ${REQUESTS} sequential requests each after ${WARMUP} warm-up (the first of them: first ms)`,
  );
  console.log(`${'request'.padEnd(width)}  range  median ms  p95 ms  max ms   KiB  first ms`);
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(width)}  ${r.range.padEnd(5)}  ${r.median.toFixed(0).padStart(9)}  ${r.p95.toFixed(0).padStart(6)}  ${r.max.toFixed(0).padStart(6)}  ${(r.bytes / 1024).toFixed(0).padStart(4)}  ${r.first.toFixed(0).padStart(8)}`,
    );
  }
  const worst = Math.max(...rows.map((r) => r.p95));
  console.log(
    `\nworst p95: ${worst.toFixed(0)} ms (target < ${TARGET_MS} ms): ${worst < TARGET_MS ? 'met' : 'NOT met'}`,
  );
  await printStorage();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
