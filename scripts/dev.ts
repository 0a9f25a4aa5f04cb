import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { generateApiKey } from '../lib/auth/api-key-format';
import { createClient, type Client } from '../lib/client';
import {
  DEFAULT_OUTAGES,
  formatProgress,
  planOutages,
  printClientErrors,
  runBackfill,
  runLive,
} from '../lib/demo/runner';

/** `npm run dev`: next dev with a demo project, its key, and simulated traffic through the real API. */

const DATA_DIR = path.resolve('.data');
const KEY_FILE = path.join(DATA_DIR, 'demo-key');
const MARKER_FILE = path.join(DATA_DIR, 'demo-seeded');
const BACKFILL_MS = 7 * 86_400_000;
const SEED = 1;

type Marker = { seededAt: string; through?: string };

async function main(): Promise<number> {
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    console.error(`PORT must be a TCP port number (got "${process.env.PORT}")`);
    return 2;
  }
  const project = process.env.INIT_PROJECT || 'demo';
  const apiKey = process.env.INIT_API_KEY || demoKey();
  const demo = !['0', 'false'].includes(process.env.DEMO ?? '');
  const embedded = !process.env.DATABASE_URL;
  const pgliteDir = process.env.PGLITE_DIR || '.data/pglite';
  const inMemory = pgliteDir === 'memory://';
  // Deleting the database directory makes it fresh again: a marker left beside it would be a lie.
  if (embedded && !inMemory && !existsSync(path.resolve(pgliteDir))) rmSync(MARKER_FILE, { force: true });
  const marker = readMarker();
  const fresh = demo && embedded && (inMemory || !marker);
  const baseUrl = `http://localhost:${port}`;

  const next = spawn(process.execPath, [nextBin(), 'dev', '--port', String(port), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      INIT_PROJECT: project,
      INIT_API_KEY: apiKey,
      // The demo project shows its public status page at /status/<project>.
      INIT_STATUS_PAGE: process.env.INIT_STATUS_PAGE ?? (demo ? '1' : '0'),
      NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1',
    },
  });
  const controller = new AbortController();
  const nextExit = new Promise<number>((resolve) => {
    next.on('exit', (code, signal) => {
      controller.abort();
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1));
    });
  });
  forwardSignals(next, controller);

  if (!(await waitForServer(`${baseUrl}/api/health`, controller.signal))) return nextExit;
  console.log(
    [
      '',
      `  Dashboard:  ${baseUrl}`,
      `  Project:    ${project}`,
      `  API key:    ${apiKey}${process.env.INIT_API_KEY ? ' (from INIT_API_KEY)' : ` (kept in ${path.relative(process.cwd(), KEY_FILE)})`}`,
      `  Send events: curl -X POST ${baseUrl}/api/v1/events -H 'Authorization: Bearer <key>' -H 'Content-Type: application/json' -d '{"events":[{"type":"page.view","path":"/"}]}'`,
      demo ? '  Demo traffic: on (DEMO=0 turns it off)' : '  Demo traffic: off (DEMO=0)',
      '',
    ].join('\n'),
  );
  if (demo)
    await simulate({
      baseUrl,
      apiKey,
      fresh,
      marker: inMemory ? undefined : marker,
      persist: embedded && !inMemory,
      signal: controller.signal,
    });
  return nextExit;
}

async function simulate(options: {
  baseUrl: string;
  apiKey: string;
  fresh: boolean;
  marker: Marker | undefined;
  persist: boolean;
  signal: AbortSignal;
}) {
  const { signal } = options;
  let refused = false;
  const client = createClient({
    url: options.baseUrl,
    apiKey: options.apiKey,
    batchSize: 1000,
    flushIntervalMs: 1000,
    maxQueue: 50_000,
    onError: printClientErrors(console.warn, () => {
      refused = true;
    }),
  });
  const now = new Date();
  const windowStart = new Date(now.getTime() - BACKFILL_MS);
  // A restart catches up on what it missed while stopped; the server dedupes any overlap by id.
  const through = options.marker?.through ? new Date(options.marker.through) : undefined;
  let from = now;
  if (options.fresh) from = windowStart;
  else if (through && through < now) from = maxDate(through, windowStart);
  const outages = planOutages(windowStart, now, DEFAULT_OUTAGES, SEED);
  const common = {
    client,
    traffic: { seed: SEED, utcOffsetMinutes: -now.getTimezoneOffset() },
    outages,
    signal,
  };
  const seededAt = options.marker?.seededAt || now.toISOString();

  if (from < now) {
    console.log(
      `[demo] ${options.fresh ? 'seeding 7 days of' : 'catching up on'} traffic since ${from.toISOString()}`,
    );
    const done = await runBackfill({
      ...common,
      from,
      to: now,
      batchSize: 1000,
      progressEveryMs: 5000,
      onProgress: (p) => console.log(formatProgress('demo backfill', p)),
    });
    if (signal.aborted || refused) return close(client);
    if (!done.complete) console.warn('[demo] the backfill did not complete; it runs again on the next start');
    else if (options.persist) writeMarker({ seededAt, through: now.toISOString() });
  }

  console.log('[demo] live traffic on, with a simulated 3-minute Claude outage every hour');
  await runLive({
    ...common,
    start: now,
    progressEveryMs: 60_000,
    onProgress: (p) => {
      console.log(formatProgress('demo live', p));
      if (options.persist && !refused && existsSync(MARKER_FILE))
        writeMarker({ seededAt, through: new Date().toISOString() });
    },
  });
  await close(client);
}

async function close(client: Client) {
  await Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}

function demoKey(): string {
  mkdirSync(DATA_DIR, { recursive: true });
  if (existsSync(KEY_FILE)) {
    const saved = readFileSync(KEY_FILE, 'utf8').trim();
    if (saved.length >= 32) return saved;
  }
  const key = generateApiKey();
  writeFileSync(KEY_FILE, `${key}\n`, { mode: 0o600 });
  return key;
}

function readMarker(): Marker | undefined {
  if (!existsSync(MARKER_FILE)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(MARKER_FILE, 'utf8')) as Partial<Marker>;
    return {
      seededAt: String(parsed.seededAt ?? ''),
      ...(typeof parsed.through === 'string' ? { through: parsed.through } : {}),
    };
  } catch {
    return { seededAt: '' };
  }
}

function writeMarker(marker: Marker) {
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(MARKER_FILE, `${JSON.stringify(marker)}\n`);
}

function nextBin(): string {
  return createRequire(path.resolve('package.json')).resolve('next/dist/bin/next');
}

/** Polls until the server answers anything at all; false if it exits first. */
async function waitForServer(url: string, signal: AbortSignal): Promise<boolean> {
  const started = Date.now();
  let hinted = false;
  while (!signal.aborted) {
    try {
      await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]) });
      return true;
    } catch {
      if (!hinted && Date.now() - started > 60_000) {
        hinted = true;
        console.log(`[demo] still waiting for ${url} ...`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return false;
}

function forwardSignals(child: ChildProcess, controller: AbortController) {
  let received = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      received += 1;
      controller.abort();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(received > 1 ? 'SIGKILL' : signal);
    });
  }
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[signal as string];
}

function maxDate(a: Date, b: Date): Date {
  return a > b ? a : b;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
