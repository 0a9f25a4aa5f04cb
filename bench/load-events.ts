/**
 * Bulk-loads demo traffic straight into Postgres with COPY (no HTTP API): N events over the last D days
 * for one project, the same mix and rows the ingest path produces (lib/demo/traffic + lib/ingest/to-row).
 * Usage: npm run bench:load -- [--events 1000000] [--days 30] [--database chatwatch_bench_dash]
 *        [--project bench] [--keep] [--until-days-ago N]
 *   --keep appends to an existing database instead of recreating it; --until-days-ago ends the loaded days
 *   N days ago (older data). Events arrive a second after they happen; the rollup job then catches up.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getTableColumns } from 'drizzle-orm';
import postgres from 'postgres';
import { openDb } from '@/db/client';
import { ensurePartitions } from '@/db/partitions';
import { rollUp } from '@/lib/metrics/rollups/job';
import { vacuumRollupTables } from '@/lib/storage/vacuum';
import { events, type NewEventRow } from '@/db/schema';
import type { StampedEvent } from '@/lib/client/types';
import { scheduleOutages, type Outage } from '@/lib/demo/outages';
import { generateTraffic } from '@/lib/demo/traffic';
import { CLAUDE_PRICES } from '@/lib/ingest/pricing';
import type { IngestEvent } from '@/lib/ingest/schema';
import { toRow } from '@/lib/ingest/to-row';
import { benchDatabaseUrl, recreateDatabase } from './lib';

const DAY = 86_400_000;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

export const BENCH_DASH_DB = 'chatwatch_bench_dash';

type LoadOptions = {
  events: number;
  days: number;
  database: string;
  project: string;
  keep: boolean;
  now?: Date;
};

/** Loads the events and answers how many rows the project holds afterwards. */
export async function loadEvents(
  options: LoadOptions,
): Promise<{ projectId: string; rows: number; seconds: number; rollupSeconds: number }> {
  const started = performance.now();
  if (!options.keep) {
    await recreateDatabase(options.database);
  }
  const url = benchDatabaseUrl(options.database);
  const to = await endBeforeLoaded(url, options);
  const from = new Date(to.getTime() - options.days * DAY);
  const handle = openDb({ url });
  // COPY into a day without a partition fails: the days loaded may reach past the retention kept at start.
  await ensurePartitions(await handle.db, { from, to });
  await handle.close();

  const sql = postgres(url, { max: 2, onnotice: () => {} });
  await sql`insert into projects (slug, name) values (${options.project}, ${options.project}) on conflict do nothing`;
  const [project] = await sql<{ id: string }[]>`select id from projects where slug = ${options.project}`;
  const projectId = project!.id;

  const outages = scheduleOutages({ from, to, everyMinutes: 2 * 24 * 60, durationMinutes: 6, seed: 7 });
  let usersPerDay = calibrateUsers(options.events / options.days, to, outages);
  let traffic = () => generateTraffic({ from, to, seed: 7, usersPerDay, outages });
  let generated = count(traffic());
  // The calibration samples a week; other spans (weekends, outages) can fall a little short: scale up.
  for (let tries = 0; generated < options.events && tries < 3; tries++) {
    usersPerDay = Math.ceil(usersPerDay * (options.events / generated) * 1.01);
    traffic = () => generateTraffic({ from, to, seed: 7, usersPerDay, outages });
    generated = count(traffic());
  }
  if (generated < options.events) {
    console.warn(`generated ${generated} events, fewer than the ${options.events} asked for`);
  }

  // received_at as if each event had arrived a second after it happened: the rollup job reads by it.
  const columns = Object.entries(getTableColumns(events)).map(
    ([key, column]) => [key as keyof NewEventRow, column.name] as const,
  );
  const loadedAt = Date.now();
  const copy =
    await sql`copy events (${sql.unsafe(columns.map(([, name]) => name).join(', '))}) from stdin with (format csv)`.writable();
  // Drops events evenly (every k-th) so exactly `events` remain, keeping the shape of every day.
  const keepRatio = Math.min(1, options.events / generated);
  let kept = 0;
  let seen = 0;
  async function* csv() {
    let chunk = '';
    for (const event of traffic()) {
      seen += 1;
      if (Math.floor(seen * keepRatio) === Math.floor((seen - 1) * keepRatio)) continue;
      const row = toRow(projectId, parse(event), event.id, CLAUDE_PRICES);
      // A fresh load arrived as it happened, a second late; an appended load (older data) is a backfill
      // arriving now, spread over milliseconds so the rollup job can take it in bounded steps.
      row.receivedAt = options.keep
        ? new Date(loadedAt + Math.floor(kept / 20_000))
        : new Date(Math.min(loadedAt, row.ts.getTime() + 1000));
      chunk += columns.map(([key]) => csvValue(row[key])).join(',') + '\n';
      kept += 1;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
      if (kept % 100_000 === 0) process.stdout.write(`\r  loaded ${kept.toLocaleString('en-US')} events`);
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(csv()), copy);
  process.stdout.write('\n');
  // A fresh load's events were received in the past: the rollup job has to start at the oldest of them.
  if (!options.keep) {
    await sql`update metric_rollup_state set rolled_through = least(rolled_through, ${from.toISOString()}::timestamptz)`;
  }
  await sql.unsafe('vacuum analyze events');
  const [{ rows }] =
    (await sql`select count(*)::int as rows from events where project_id = ${projectId}`) as unknown as [
      { rows: number },
    ];
  await sql.end();
  const seconds = (performance.now() - started) / 1000;
  const rolled = performance.now();
  const db = openDb({ url });
  for (;;) {
    const report = await rollUp({ db: await db.db, budgetMs: 60_000 });
    process.stdout.write(`\r  rolled up through ${report.rolledThrough.toISOString()}`);
    if (report.caughtUp) break;
  }
  process.stdout.write('\n');
  // What autovacuum would have done by the time anyone reads: the job rewrites rows as it catches up (a month
  // at 30 M events left 3.8 M dead rows beside session_parts' 173 k), and a read of a bloated table goes through
  // its dead rows' pages. Also the tables' statistics.
  await vacuumRollupTables(await db.db);
  await db.close();
  return { projectId, rows, seconds, rollupSeconds: (performance.now() - rolled) / 1000 };
}

/**
 * Where the loaded days end: `now`, or for an appended load no later than the project's oldest event. The demo
 * traffic gives the same events the same ids wherever windows overlap, and COPY stops at the first duplicate
 * (postgres-js then never settles the copy stream: the load hung).
 */
async function endBeforeLoaded(url: string, options: LoadOptions): Promise<Date> {
  const end = options.now ?? new Date();
  if (!options.keep) return end;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ oldest: Date | null }[]>`select min(e.ts) as oldest from events as e
      join projects as p on p.id = e.project_id where p.slug = ${options.project}`;
    return row?.oldest && row.oldest < end ? new Date(row.oldest) : end;
  } finally {
    await sql.end();
  }
}

/** Users per day that yield about `eventsPerDay`: traffic is linear in users, over a constant background. */
function calibrateUsers(eventsPerDay: number, to: Date, outages: Outage[]): number {
  const day = { from: new Date(to.getTime() - 7 * DAY), to: to };
  const perDay = (users: number) =>
    count(generateTraffic({ ...day, seed: 7, usersPerDay: users, outages })) / 7;
  const low = perDay(50);
  const high = perDay(250);
  const slope = (high - low) / 200;
  // A little over the target, so trimming (never padding) reaches the exact count.
  return Math.max(1, Math.ceil(((eventsPerDay - low) / slope + 50) * 1.05));
}

function count(events: Iterator<unknown>): number {
  let n = 0;
  while (!events.next().done) n += 1;
  return n;
}

function parse(event: StampedEvent) {
  return { index: 0, event: event as unknown as IngestEvent, ts: new Date(event.timestamp) };
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replaceAll('"', '""')}"`;
}

async function main() {
  const options: LoadOptions = {
    events: Number(arg('events', '1000000')),
    days: Number(arg('days', '30')),
    database: arg('database', BENCH_DASH_DB),
    project: arg('project', 'bench'),
    keep: process.argv.includes('--keep'),
    // --until-days-ago N: the loaded days end N days ago (older data beside an existing load, with --keep).
    now: new Date(Date.now() - Number(arg('until-days-ago', '0')) * DAY),
  };
  if (!/^[a-z_][a-z0-9_]*$/.test(options.database)) throw new Error('--database must be a plain identifier');
  console.log(
    `loading ${options.events.toLocaleString('en-US')} events over ${options.days} days into ${options.database}`,
  );
  const result = await loadEvents(options);
  console.log(
    `project ${options.project} (${result.projectId}): ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(0)} s, rolled up in ${result.rollupSeconds.toFixed(0)} s`,
  );
}

if (process.argv[1]?.endsWith('load-events.ts')) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
