/**
 * Alerts benchmark: one cron run over the default rules of 10 projects holding 1 million events in total
 * (100k each, over the last 8 days so the 7-day baselines are full), on the machine's Postgres.
 * Prints the duration and the statements issued of a first (cold) run and of the steady-state runs after it.
 * Target (issue 10): a run under 500 ms at 10 M events.
 * Usage: npm run bench:alerts [-- --events 1000000 --projects 10 --days 8 --runs 5 --reuse --database NAME]
 *   --reuse keeps the loaded database (its windows then end at load time; load again for true figures).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { benchDatabaseUrl, machine } from './lib';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 1_000_000);
const PROJECTS = arg('projects', 10);
const DAYS = arg('days', 8);
const RUNS = arg('runs', 5);
// --database NAME --reuse: run over an existing load instead (e.g. bench:dashboards' 10 M events).
const DATABASE = process.argv.includes('--database')
  ? process.argv[process.argv.indexOf('--database') + 1]!
  : 'chatwatch_bench_alerts';
const url = benchDatabaseUrl(DATABASE);
// lib/env reads process.env once, at its first import (below, dynamic): the bench database, in-process KV,
// and a webhook channel on a local receiver, so notifications are part of the run.
process.env.DATABASE_URL = url;
process.env.REDIS_URL = '';
process.env.KV_REST_API_URL = '';

let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.end('{}');
  });
});

async function main() {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  process.env.ALERT_WEBHOOK_URL = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const { loadEvents } = await import('./load-events');
  if (!process.argv.includes('--reuse')) {
    console.log(
      `loading ${EVENTS.toLocaleString('en-US')} events into ${PROJECTS} projects over ${DAYS} days`,
    );
    for (let i = 0; i < PROJECTS; i++) {
      const result = await loadEvents({
        events: Math.round(EVENTS / PROJECTS),
        days: DAYS,
        database: DATABASE,
        project: `bench-${i}`,
        keep: i > 0,
      });
      console.log(
        `  bench-${i}: ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(0)} s`,
      );
    }
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  // A daily budget per project, so the budget rule has something to compare against.
  await sql`update projects set daily_budget_usd = 50`;
  const [{ events }] = (await sql`select count(*)::int as events from events`) as unknown as [
    { events: number },
  ];
  await sql.end();

  const { seedDefaultRules } = await import('@/lib/alerts/rules/seed');
  const { runAlerts } = await import('@/lib/alerts/run/run-alerts');
  const { openDb } = await import('@/db/client');
  const db = await openDb().db;
  const projects = await db.query.projects.findMany();
  for (const p of projects) await seedDefaultRules(p.id);
  // An incident in progress in every project (a burst of 5xx just now), so the first run fires and notifies.
  const { ingestBatch } = await import('@/lib/ingest/ingest');
  const now = Date.now();
  for (const p of projects)
    await ingestBatch(p.id, {
      events: Array.from({ length: 60 }, (_, i) => ({
        type: 'http.request',
        route: '/api/chat',
        status: i % 3 === 0 ? 502 : 200,
        durationMs: 40,
        timestamp: now - 60_000 + i * 1000,
      })),
    });

  console.log(`\n${machine()}`);
  console.log(
    `${projects.length} projects, ${events.toLocaleString('en-US')} events, ${projects.length * 10} rules\n`,
  );
  console.log('| run | duration | queries | rules | transitions | notifications |');
  console.log('|---|---|---|---|---|---|');
  const durations: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const s = await runAlerts(new Date());
    if (s.skipped) throw new Error('run skipped: lock held');
    if (s.rulesFailed > 0) throw new Error(`${s.rulesFailed} rules failed`);
    if (i > 0) durations.push(s.durationMs);
    console.log(
      `| ${i === 0 ? 'first (cold)' : i} | ${s.durationMs} ms | ${s.queries} | ${s.rulesEvaluated} | ${s.transitions} | ${s.notificationsSent} |`,
    );
  }
  durations.sort((a, b) => a - b);
  console.log(`\nthe local webhook receiver got ${received} notifications`);
  console.log(
    `steady state: median ${durations[Math.floor(durations.length / 2)]} ms, max ${durations.at(-1)} ms (target < 500 ms at 10 M events)`,
  );
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
