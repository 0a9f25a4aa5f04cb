import type { Client, ClientError, ClientStats } from '../client';
import { scheduleOutages, type Outage } from './outages';
import { generateTraffic, type TrafficOptions } from './traffic';

const DAY = 86_400_000;
const FAR_FUTURE_MS = 365 * DAY;

export type TrafficShape = Omit<TrafficOptions, 'from' | 'to' | 'outages'>;

export type OutagePlan = {
  backfillEveryMinutes: number;
  backfillMinutes: number;
  liveEveryMinutes: number;
  liveMinutes: number;
};

export const DEFAULT_OUTAGES: OutagePlan = {
  backfillEveryMinutes: 2 * 24 * 60,
  backfillMinutes: 6,
  liveEveryMinutes: 60,
  liveMinutes: 3,
};

/**
 * One outage list for both phases: the backfill's sparse ones before `now`, the live ones after, so a
 * session that straddles `now` is generated the same way by both.
 */
export function planOutages(from: Date, now: Date, plan: OutagePlan, seed: number): Outage[] {
  const past = scheduleOutages({
    from,
    to: now,
    everyMinutes: plan.backfillEveryMinutes,
    durationMinutes: plan.backfillMinutes,
    seed,
  });
  const future = scheduleOutages({
    from: now,
    to: new Date(now.getTime() + FAR_FUTURE_MS),
    everyMinutes: plan.liveEveryMinutes,
    durationMinutes: plan.liveMinutes,
    seed,
  }).filter((o) => o.start >= now);
  return [...past.filter((o) => o.start < now), ...future];
}

export type Progress = ClientStats & { generated: number; fraction?: number; eventsPerSecond: number };

type RunOptions = {
  client: Client;
  traffic: TrafficShape;
  outages: readonly Outage[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
};

/** A server failing this many flushes in a row is down or broken: the rest would only fail slower. */
const FAILED_FLUSHES_TO_GIVE_UP = 3;

export type BackfillResult = Progress & { complete: boolean };

/**
 * Sends [from, to) a day at a time, newest day first, so the recent dashboards fill up before the old
 * ones. Waits for each full batch to be answered, which keeps the client's queue (and memory) bounded.
 */
export async function runBackfill(
  options: RunOptions & { from: Date; to: Date; batchSize: number },
): Promise<BackfillResult> {
  const { client, signal } = options;
  const total = options.to.getTime() - options.from.getTime();
  const report = progressReporter(options);
  let generated = 0;
  let covered = 0;
  let failedInARow = 0;
  const flush = async () => {
    const failedBefore = client.stats().failed;
    await untilAborted(client.flush(), signal);
    failedInARow = client.stats().failed > failedBefore ? failedInARow + 1 : 0;
    return !signal?.aborted && failedInARow < FAILED_FLUSHES_TO_GIVE_UP;
  };
  days: for (let end = options.to.getTime(); end > options.from.getTime(); end -= DAY) {
    const start = Math.max(options.from.getTime(), end - DAY);
    const events = generateTraffic({
      ...options.traffic,
      outages: options.outages,
      from: new Date(start),
      to: new Date(end),
    });
    for (const event of events) {
      if (signal?.aborted) break days;
      client.track(event);
      generated += 1;
      if (client.stats().queued >= options.batchSize) {
        if (!(await flush())) break days;
        report(generated, (covered + (Date.parse(String(event.timestamp)) - start)) / total);
      }
    }
    covered += end - start;
  }
  const finished = covered >= total && (await flush());
  const progress = report(generated, covered / total, true);
  return { ...progress, complete: finished && progress.failed === 0 };
}

/** Sends each generated event when its time comes, until the signal aborts. */
export async function runLive(options: RunOptions & { start: Date }): Promise<Progress> {
  const { client, signal } = options;
  const report = progressReporter(options);
  const events = generateTraffic({
    ...options.traffic,
    outages: options.outages,
    from: options.start,
    to: new Date(options.start.getTime() + FAR_FUTURE_MS),
  });
  let generated = 0;
  for (const event of events) {
    const due = Date.parse(String(event.timestamp));
    while (!signal?.aborted && due > Date.now()) {
      await sleep(Math.min(1000, due - Date.now()), signal);
      report(generated);
    }
    if (signal?.aborted) break;
    client.track(event);
    generated += 1;
  }
  return report(generated, undefined, true);
}

function progressReporter({ client, onProgress, progressEveryMs = 2000 }: RunOptions) {
  let last = { at: Date.now(), sent: client.stats().sent };
  let rate = 0;
  return (generated: number, fraction?: number, force = false): Progress => {
    const now = Date.now();
    const stats = client.stats();
    if (force || now - last.at >= progressEveryMs) {
      rate = (stats.sent - last.sent) / Math.max(0.001, (now - last.at) / 1000);
      last = { at: now, sent: stats.sent };
      onProgress?.({ ...stats, generated, fraction, eventsPerSecond: rate });
    }
    return { ...stats, generated, fraction, eventsPerSecond: rate };
  };
}

export function formatProgress(
  phase: string,
  p: ClientStats & { fraction?: number; eventsPerSecond?: number },
): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const parts = [
    `${n(p.sent)} sent`,
    `${n(p.accepted)} accepted`,
    `${n(p.duplicates)} duplicates`,
    `${n(p.rejected)} rejected`,
  ];
  if (p.failed > 0) parts.push(`${n(p.failed)} failed`);
  if (p.dropped > 0) parts.push(`${n(p.dropped)} dropped`);
  if (p.retries > 0) parts.push(`${n(p.retries)} retries`);
  const percent = p.fraction === undefined ? '' : ` ${Math.min(100, Math.floor(p.fraction * 100))}%`;
  const perSecond = p.eventsPerSecond;
  const rate =
    perSecond === undefined ? '' : ` (${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} ev/s)`;
  return `[${phase}]${percent} ${parts.join(' · ')}${rate}`;
}

/** Resolves with the work, or as soon as the signal aborts (the work goes on unobserved). */
function untilAborted(work: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void work.then(done);
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** An onError for the CLIs: prints the first few of each kind, and hands a refused key to `onRefused`. */
export function printClientErrors(log: (line: string) => void, onRefused: (error: ClientError) => void) {
  const seen = new Map<string, number>();
  return (error: ClientError) => {
    if (error.code === 'unauthorized') onRefused(error);
    const count = (seen.get(error.code) ?? 0) + 1;
    seen.set(error.code, count);
    if (count <= 3) log(`[client] ${error.code}: ${error.message}`);
    if (count === 3) log(`[client] further ${error.code} errors are only counted in the progress line`);
  };
}
