import type { Rng } from './random';
import type { Sink } from './sink';

const SERVICES = [
  { service: 'web', host: 'web-1', cpu: 12, cpuPerLoad: 30, memoryMb: 380, leakMbPerDay: 70 },
  { service: 'api', host: 'api-1', cpu: 18, cpuPerLoad: 45, memoryMb: 640, leakMbPerDay: 160 },
  { service: 'worker', host: 'worker-1', cpu: 8, cpuPerLoad: 12, memoryMb: 290, leakMbPerDay: 40 },
] as const;

/** Local hour of the nightly deploy, which restarts every process and frees leaked memory. */
export const DEPLOY_HOUR = 4;

export type MinuteSpec = {
  rng: Rng;
  sink: Sink;
  t: number;
  load: number;
  /** Minutes since the last nightly deploy. */
  uptimeMinutes: number;
  down: boolean;
};

/** What happens every minute regardless of users: resource samples, an uptime check, worker logs. */
export function generateMinute(m: MinuteSpec): void {
  const { rng, sink, t } = m;
  for (const svc of SERVICES) {
    const spike = m.down && svc.service === 'api' ? 20 : 0;
    const cpu = clamp(svc.cpu + svc.cpuPerLoad * m.load + spike + rng.normal() * 3, 1, 99);
    const memory = svc.memoryMb + (svc.leakMbPerDay * m.uptimeMinutes) / 1440 + rng.normal() * 8;
    const labels = { host: svc.host };
    sink.emit(
      t + 100,
      { type: 'metric', name: 'cpu.utilization', unit: '%', value: round1(cpu), labels },
      { service: svc.service },
    );
    sink.emit(
      t + 100,
      { type: 'metric', name: 'memory.used', unit: 'MB', value: round1(memory), labels },
      { service: svc.service },
    );
  }

  // The health route probes Claude with a 2 s timeout, so it answers slowly (still 200, degraded) in an outage.
  const healthMs = m.down ? rng.between(2000, 2200) : rng.logNormal(40, 0.3);
  sink.emit(
    t + 500,
    {
      type: 'http.request',
      method: 'GET',
      route: '/api/health',
      status: 200,
      durationMs: Math.round(healthMs),
    },
    { service: 'api', metadata: { source: 'uptime-monitor' } },
  );

  if (m.uptimeMinutes === 0) {
    sink.emit(
      t,
      {
        type: 'log',
        level: 'info',
        event: 'deploy.completed',
        message: 'nightly deploy: all services restarted',
      },
      { service: 'worker' },
    );
  }
  if (Math.floor(t / 60_000) % 5 === 0) {
    const rows = Math.round(400 + 3000 * m.load * rng.between(0.8, 1.2));
    sink.emit(
      t + rng.between(1000, 5000),
      {
        type: 'log',
        level: 'info',
        event: 'rollup.completed',
        data: { rows, durationMs: Math.round(rng.logNormal(300, 0.4)) },
      },
      { service: 'worker' },
    );
  }
  if (rng.chance(0.015 + 0.02 * m.load)) {
    const durationMs = Math.round(rng.between(1200, 4000));
    sink.emit(
      t + rng.between(0, 59_000),
      {
        type: 'log',
        level: 'warn',
        event: 'db.slow_query',
        message: `query took ${durationMs} ms`,
        data: { durationMs, table: 'messages' },
      },
      { service: 'api' },
    );
  }
  if (rng.chance(0.003)) {
    const at = t + rng.between(0, 59_000);
    sink.emit(
      at,
      {
        type: 'error',
        source: 'cache',
        errorType: 'KvConnectionError',
        message: 'KV request timed out after 1000 ms',
      },
      { service: 'api' },
    );
    sink.emit(
      at,
      { type: 'log', level: 'error', event: 'cache.unavailable', error: 'KvConnectionError: timed out' },
      { service: 'api' },
    );
  }
  if (m.down) {
    sink.emit(
      t + 1000,
      {
        type: 'log',
        level: 'critical',
        event: 'upstream.unavailable',
        message: 'Claude API answering 529 Overloaded to most requests',
      },
      { service: 'api' },
    );
  }
}

const LOGIN_BURST_LIMIT = 10;

/** A credential-stuffing attempt: failed logins from one address, then its rate limit kicks in. */
export function generateLoginBurst(rng: Rng, sink: Sink, start: number, targets: readonly string[]): void {
  const attempts = rng.int(8, 20);
  const spreadMs = rng.between(60_000, 240_000);
  const ip = `203.0.113.${rng.int(2, 254)}`;
  for (let i = 0; i < attempts; i += 1) {
    const t = start + (spreadMs * i) / attempts + rng.between(0, 2000);
    const userId = rng.pick(targets);
    const blocked = i >= LOGIN_BURST_LIMIT;
    const context = { service: 'api', userId, metadata: { ip } };
    if (blocked) {
      sink.emit(
        t,
        { type: 'rate_limit', route: '/api/auth/login', scope: 'ip', limit: LOGIN_BURST_LIMIT },
        context,
      );
    }
    sink.emit(
      t,
      {
        type: 'http.request',
        method: 'POST',
        route: '/api/auth/login',
        status: blocked ? 429 : 401,
        durationMs: Math.round(rng.logNormal(blocked ? 4 : 190, 0.3)),
      },
      context,
    );
    sink.emit(
      t + 1,
      {
        type: 'auth.attempt',
        outcome: 'failure',
        method: 'password',
        reason: blocked ? 'rate_limited' : rng.chance(0.3) ? 'unknown_user' : 'invalid_password',
      },
      context,
    );
  }
  sink.emit(
    start + spreadMs,
    {
      type: 'log',
      level: 'warn',
      event: 'auth.suspicious_activity',
      message: `${attempts} failed logins from ${ip}`,
      data: { ip, attempts },
    },
    { service: 'api' },
  );
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
