export const CHECK_NAMES = ['database', 'cache', 'ai', 'auth'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const HEALTH_STATUSES = ['healthy', 'degraded', 'down'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const PROBE_STATES = ['ok', 'fail', 'not_configured'] as const;
export type ProbeState = (typeof PROBE_STATES)[number];

/** What one probe found. `reason` is always a short fixed phrase, never a raw error text. */
export type ProbeResult =
  | { state: 'ok'; latencyMs: number }
  | { state: 'fail'; latencyMs: number; reason: string }
  | { state: 'not_configured'; reason: string };

export type ProbeResults = Record<CheckName, ProbeResult>;

export type CheckDetail = { state: ProbeState; reason?: string };

export type HealthReport = {
  status: HealthStatus;
  checks: Record<CheckName, boolean>;
  /** Milliseconds per probe that ran; a not_configured dependency has no entry. */
  latency: Partial<Record<CheckName, number>>;
  details: Record<CheckName, CheckDetail>;
  timestamp: string;
};

/**
 * A failing database is `down`; any other failing dependency is `degraded`. A not_configured
 * dependency (no credentials given) reads `checks.x = false` because nothing was verified, but leaves
 * the status alone: running without the optional Claude or Clerk integration is a valid deployment.
 */
export function summarizeHealth(results: ProbeResults, now: Date): HealthReport {
  const checks = {} as Record<CheckName, boolean>;
  const latency: Partial<Record<CheckName, number>> = {};
  const details = {} as Record<CheckName, CheckDetail>;
  for (const name of CHECK_NAMES) {
    const result = results[name];
    checks[name] = result.state === 'ok';
    if (result.state !== 'not_configured') latency[name] = result.latencyMs;
    details[name] = result.state === 'ok' ? { state: 'ok' } : { state: result.state, reason: result.reason };
  }
  return { status: statusOf(results), checks, latency, details, timestamp: now.toISOString() };
}

function statusOf(results: ProbeResults): HealthStatus {
  if (results.database.state === 'fail') return 'down';
  return CHECK_NAMES.some((name) => results[name].state === 'fail') ? 'degraded' : 'healthy';
}

export function httpStatusOf(report: Pick<HealthReport, 'status'>): 200 | 503 {
  return report.status === 'down' ? 503 : 200;
}

/**
 * What anonymous callers see: the verdict, one boolean per dependency and when it was probed. Reasons and
 * per-dependency latency stay with signed-in callers and the cron: they describe the deployment (which
 * integrations are configured, which timeouts hit) to whoever asks.
 */
export type PublicHealthReport = Pick<HealthReport, 'status' | 'checks' | 'timestamp'>;

export function publicHealth(report: HealthReport): PublicHealthReport {
  return { status: report.status, checks: { ...report.checks }, timestamp: report.timestamp };
}
