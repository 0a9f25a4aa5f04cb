import { runHealthChecks } from '@/lib/health/run-health-checks';
import { httpStatusOf } from '@/lib/health/status';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET() {
  const report = await runHealthChecks();
  return Response.json(report, { status: httpStatusOf(report), headers: { 'Cache-Control': 'no-store' } });
}
