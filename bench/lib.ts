import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import postgres from 'postgres';

/** A numeric command-line option `--name N`, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The machine's Postgres as its admin, where the benchmarks create their databases. */
export const ADMIN_URL =
  process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of a database of the benchmarks' Postgres. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and creates a database (a fresh one per run), answering its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return benchDatabaseUrl(name);
}

/** A production server for the ingest benchmarks: project `bench` with `apiKey`, no rate limit in the way. */
export function startIngestServer(databaseUrl: string, apiKey: string) {
  return startNext({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? '',
    INIT_API_KEY: apiKey,
    INIT_PROJECT: 'bench',
    DEMO: '0',
    INGEST_RATE_LIMIT_PER_MINUTE: '10000000',
    DATABASE_POOL_SIZE: '10',
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function ensureBuild(): Promise<void> {
  if (existsSync('.next/BUILD_ID') && !process.argv.includes('--rebuild')) return;
  await run('npx', ['next', 'build']);
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** `next start` as a direct node child, so its pid is the server's and its memory can be read. */
export async function startNext(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, 'node_modules/next/dist/bin/next', 'start', '-p', String(port)],
    {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  // A benchmark that fails must not leave its server running (and holding the terminal's output open).
  process.on('exit', () => child.kill('SIGTERM'));
  const url = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 240) throw new Error('server did not become healthy');
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, stop: () => child.kill('SIGTERM') };
}

/** Peak resident memory (MiB) of a process and its descendants, sampled until stopped. */
export function watchPeakRss(pid: number) {
  let peak = 0;
  const tree = (root: number): number[] => {
    const out = [root];
    try {
      for (const c of readFileSync(`/proc/${root}/task/${root}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)) {
        out.push(...tree(Number(c)));
      }
    } catch {
      // process gone
    }
    return out;
  };
  const sample = () => {
    let total = 0;
    for (const p of tree(pid)) {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
        total += m ? Number(m[1]) : 0;
      } catch {
        // process gone
      }
    }
    peak = Math.max(peak, total / 1024);
  };
  const timer = setInterval(sample, 100);
  return { stop: () => (clearInterval(timer), sample(), peak) };
}

export function machine(): string {
  return `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
}

/** CPU seconds (user + system, all threads) used so far by the given processes; gone processes count 0. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // process gone
    }
  }
  return ticks / 100;
}

/** The pids of the machine's Postgres server processes (backends included), for CPU accounting. */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres' || comm.startsWith('postgres:')) pids.push(Number(entry));
    } catch {
      // process gone
    }
  }
  return pids;
}

export type CpuUsed = { server: number; postgres: number; self: number };

/** CPU used by the server, Postgres and this process between start() and stop(), in core-seconds. */
export function cpuMeter(serverPid?: number): { stop: () => CpuUsed } {
  const read = () => ({
    server: serverPid ? cpuSeconds([serverPid]) : 0,
    postgres: cpuSeconds(postgresPids()),
    self: process.cpuUsage(),
  });
  const start = read();
  return {
    stop() {
      const end = read();
      return {
        server: end.server - start.server,
        postgres: end.postgres - start.postgres,
        self: (end.self.user - start.self.user + end.self.system - start.self.system) / 1e6,
      };
    },
  };
}

/**
 * The load generator shares the two cores with the server and Postgres, so it should cost as little as a
 * real client on its own machine: node:http over kept-alive sockets (undici's fetch costs several times more
 * CPU per request, which the server under test then does not get).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
export function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  contentType = 'application/json',
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `clients` loops of `step` (each answers how many events or rows it stored) for `seconds`. */
export async function window(
  clients: number,
  seconds: number,
  serverPid: number | undefined,
  step: () => Promise<number>,
) {
  let count = 0;
  const meter = cpuMeter(serverPid);
  const started = performance.now();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const stored = await step();
        count += stored;
      }
    }),
  );
  return { count, seconds: (performance.now() - started) / 1000, cpu: meter.stop() };
}

/** Lets the server finish its after-response work and Postgres settle between windows. */
export const pause = () => new Promise((r) => setTimeout(r, 300));
export const zeroCpu = (): CpuUsed => ({ server: 0, postgres: 0, self: 0 });
export function addCpu(into: CpuUsed, add: CpuUsed) {
  into.server += add.server;
  into.postgres += add.postgres;
  into.self += add.self;
}
export function perK(cpuSeconds: number, n: number) {
  return `${((cpuSeconds * 1e6) / n).toFixed(1)} ms`;
}
