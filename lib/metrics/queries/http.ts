import 'server-only';
import type { MetricValue } from '../catalog';
import type { Filters, TimeRange } from '../range';
import type { Window } from '../sql';
import type { Scope } from '../types';
import { readFigures, readTotals } from './figures';

export type StatusCounts = { requests: number; ok: number; clientErrors: number; serverErrors: number };
export type HttpBucket = StatusCounts & { bucket: number };
export type HttpRoute = StatusCounts & { route: string; p95Ms: number | null };

const STATUS_METRICS = ['request_count', 'client_errors', 'server_errors'] as const;
type StatusValues = Record<(typeof STATUS_METRICS)[number], MetricValue>;

function counts(v: StatusValues): StatusCounts {
  const requests = v.request_count.value ?? 0;
  const clientErrors = v.client_errors.value ?? 0;
  const serverErrors = v.server_errors.value ?? 0;
  return { requests, ok: requests - clientErrors - serverErrors, clientErrors, serverErrors };
}

/** `http.request` status classes per chart bucket. */
export async function httpByBucket(scope: Scope, range: TimeRange, filters: Filters): Promise<HttpBucket[]> {
  const rows = await readFigures(scope, range, filters, STATUS_METRICS, { bucketMs: range.bucketMs });
  return rows.map((r) => ({ bucket: r.bucket!, ...counts(r.values) }));
}

export function sumCounts(rows: readonly StatusCounts[]): StatusCounts {
  return rows.reduce(
    (sum, r) => ({
      requests: sum.requests + r.requests,
      ok: sum.ok + r.ok,
      clientErrors: sum.clientErrors + r.clientErrors,
      serverErrors: sum.serverErrors + r.serverErrors,
    }),
    { requests: 0, ok: 0, clientErrors: 0, serverErrors: 0 },
  );
}

/** Status classes and p95 latency per route, busiest first. */
export async function httpByRoute(
  scope: Scope,
  range: TimeRange,
  filters: Filters,
  limit: number,
): Promise<HttpRoute[]> {
  const rows = await readFigures(scope, range, filters, [...STATUS_METRICS, 'p95_request_ms'], {
    groupBy: ['path'],
  });
  return rows
    .map((r) => ({ route: r.key.path!, ...counts(r.values), p95Ms: r.values.p95_request_ms.value }))
    .filter((r) => r.requests > 0)
    .sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route))
    .slice(0, limit);
}

/** Status classes over a whole window. */
export async function httpTotals(scope: Scope, window: Window, filters: Filters): Promise<StatusCounts> {
  return counts(await readTotals(scope, window, filters, STATUS_METRICS));
}
