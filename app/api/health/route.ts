import { healthAccess } from '@/lib/health/access';
import { recentHealthReport, runHealthChecks } from '@/lib/health/run-health-checks';
import { httpStatusOf, publicHealth } from '@/lib/health/status';
import { errorResponse } from '@/lib/http/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store' };

/**
 * Anonymous callers: status and booleans from a probe at most 30 s old (503 when the database is down).
 * `Bearer $CRON_SECRET` or a read-scope API key: a probe now, with reasons and latency.
 */
export async function GET(request: Request) {
  try {
    if ((await healthAccess(request)) === 'full') {
      const report = await runHealthChecks();
      return Response.json(report, { status: httpStatusOf(report), headers: noStore });
    }
    const report = await recentHealthReport();
    return Response.json(publicHealth(report), { status: httpStatusOf(report), headers: noStore });
  } catch (error) {
    return errorResponse(error);
  }
}
