import 'server-only';
import { describeError } from '@/db/errors';
import { log } from '@/lib/log';
import { rollUp, type RollupReport } from '@/lib/metrics/rollups/job';
import { runRetention, type RetentionReport } from '@/lib/retention/run';
import { ensureUpcomingPartitions } from './partitions';
import { vacuumIfUnattended, type VacuumReport } from './vacuum';

/** Each part of a maintenance run gets at most this much of the cron's minute. */
const ROLLUP_BUDGET_MS = 15_000;
const RETENTION_BUDGET_MS = 10_000;

export type MaintenanceReport = {
  partitions: { created: string[] } | { failed: string };
  rollup: RollupReport | { failed: string };
  retention: RetentionReport | { failed: string };
  vacuum: VacuumReport | { failed: string };
};

/**
 * The storage housekeeping the cron does before it evaluates the rules, each part in bounded work and on
 * its own (one failing does not stop the others): tomorrow's event partitions, the rollups of what arrived
 * since the last run, retention, and where no autovacuum runs (PGlite, or a Postgres with it off) an hourly
 * vacuum of the tables the rollups rewrite.
 */
export function runMaintenance(now: Date = new Date()): Promise<MaintenanceReport> {
  // One run at a time per process: a cron call that comes while the last one still works joins it.
  running ??= maintain(now).finally(() => {
    running = null;
  });
  return running;
}

let running: Promise<MaintenanceReport> | null = null;

async function maintain(now: Date): Promise<MaintenanceReport> {
  const part = async <T>(name: string, work: () => Promise<T>): Promise<T | { failed: string }> => {
    try {
      return await work();
    } catch (error) {
      log.error(`maintenance_${name}_failed`, { error: describeError(error) });
      return { failed: describeError(error) };
    }
  };
  return {
    partitions: await part('partitions', () => ensureUpcomingPartitions(now)),
    rollup: await part('rollup', () => rollUp({ budgetMs: ROLLUP_BUDGET_MS })),
    retention: await part('retention', () => runRetention(undefined, { now, budgetMs: RETENTION_BUDGET_MS })),
    vacuum: await part('vacuum', () => vacuumIfUnattended(now)),
  };
}

/** What a log line keeps of a maintenance report. */
export function summarizeMaintenance(report: MaintenanceReport): Record<string, unknown> {
  const failed = (part: object) => ('failed' in part ? (part as { failed: string }).failed : undefined);
  return {
    partitionsCreated: 'created' in report.partitions ? report.partitions.created.length : undefined,
    rolledUp: 'events' in report.rollup ? report.rollup.events : undefined,
    retentionDone: 'done' in report.retention ? report.retention.done : undefined,
    vacuumed: 'vacuumed' in report.vacuum ? report.vacuum.vacuumed : undefined,
    failed: [
      failed(report.partitions),
      failed(report.rollup),
      failed(report.retention),
      failed(report.vacuum),
    ].filter(Boolean),
  };
}
