import { randomUUID } from 'node:crypto';
import type { Kv } from '@/lib/kv/types';
import { ProbeFailure, ProbeTimeout, reasonFor } from './reasons';
import { CHECK_NAMES, type CheckName, type ProbeResult, type ProbeResults } from './status';

export type FetchFn = typeof fetch;
type Deadline = { timeoutMs: number };
type HttpProbeConfig = Deadline & { fetch?: FetchFn };

export const ANTHROPIC_VERSION = '2023-06-01';
const KV_PROBE_TTL_SECONDS = 10;

/** Runs every probe at once; each bounds itself, so this settles within the largest timeout. */
export async function runProbes(
  probes: Record<CheckName, () => Promise<ProbeResult>>,
): Promise<ProbeResults> {
  const results = await Promise.all(CHECK_NAMES.map((name) => probes[name]()));
  return Object.fromEntries(CHECK_NAMES.map((name, i) => [name, results[i]])) as ProbeResults;
}

/** `query` should run `select 1`; it is raced against the deadline because drivers cannot be aborted. */
export function probeDatabase(config: Deadline & { query: () => Promise<unknown> }): Promise<ProbeResult> {
  return timed(config.timeoutMs, 'query failed', () => config.query());
}

/** Writes a random short-lived key and reads it back. */
export function probeKv(config: Deadline & { kv: () => Pick<Kv, 'get' | 'set'> }): Promise<ProbeResult> {
  return timed(config.timeoutMs, 'command failed', async () => {
    const kv = config.kv();
    const key = `health:probe:${randomUUID()}`;
    const value = randomUUID();
    await kv.set(key, value, { ttlSeconds: KV_PROBE_TTL_SECONDS });
    if ((await kv.get(key)) !== value) throw new ProbeFailure('read back a different value');
  });
}

/** Lists one model with the API key: proves the key, the network path and the API all work. */
export function probeClaude(
  config: HttpProbeConfig & { baseUrl: string; apiKey: string | undefined },
): Promise<ProbeResult> {
  if (!config.apiKey)
    return Promise.resolve({ state: 'not_configured', reason: 'ANTHROPIC_API_KEY not set' });
  const headers = { 'x-api-key': config.apiKey, 'anthropic-version': ANTHROPIC_VERSION };
  return probeHttp(config, joinUrl(config.baseUrl, '/v1/models?limit=1'), headers);
}

/** Lists one user through Clerk's Backend API with the secret key. */
export function probeClerk(
  config: HttpProbeConfig & { apiUrl: string; secretKey: string | undefined },
): Promise<ProbeResult> {
  if (!config.secretKey)
    return Promise.resolve({ state: 'not_configured', reason: 'CLERK_SECRET_KEY not set' });
  const headers = { authorization: `Bearer ${config.secretKey}` };
  return probeHttp(config, joinUrl(config.apiUrl, '/v1/users?limit=1'), headers);
}

function probeHttp(
  config: HttpProbeConfig,
  url: string,
  headers: Record<string, string>,
): Promise<ProbeResult> {
  const fetchFn = config.fetch ?? fetch;
  return timed(config.timeoutMs, 'request failed', async (signal) => {
    // 'manual': a redirect is reported as its status instead of carrying the credentials to another host.
    const response = await fetchFn(url, { headers, signal, redirect: 'manual', cache: 'no-store' });
    await response.body?.cancel().catch(() => {});
    if (!response.ok) throw new ProbeFailure(`HTTP ${response.status}`);
  });
}

/** Keeps a base URL's path prefix (a gateway such as `https://proxy.example/anthropic`). */
function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

async function timed(
  timeoutMs: number,
  fallbackReason: string,
  work: (signal: AbortSignal) => Promise<unknown>,
): Promise<ProbeResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    await withDeadline(timeoutMs, work);
    return { state: 'ok', latencyMs: latencyMs() };
  } catch (error) {
    return { state: 'fail', latencyMs: latencyMs(), reason: reasonFor(error, fallbackReason) };
  }
}

async function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new ProbeTimeout(timeoutMs));
      controller.abort();
    }, timeoutMs);
  });
  const task = Promise.resolve().then(() => work(controller.signal));
  task.catch(() => {}); // an abandoned task may still reject after the deadline: not an unhandled rejection
  try {
    return await Promise.race([task, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Concurrent callers share one run, so a burst of requests cannot multiply upstream calls or drain the pool. */
export function shareInFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    current ??= run().finally(() => {
      current = undefined;
    });
    return current;
  };
}
