import { resolveReadScope } from '@/lib/auth/read-access';
import { errorResponse } from '@/lib/http/errors';
import { readQuery, singleParam } from '@/lib/http/query-params';
import { readFailure } from '@/lib/metrics/errors';
import { CONTENT_TYPE } from '@/lib/metrics/prometheus/exposition';
import { getPrometheusExposition } from '@/lib/metrics/queries';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `GET /api/v1/metrics`: the project's catalog figures in Prometheus' text format, for a scrape job that
 * sends a read key as `Authorization: Bearer` (lib/metrics/prometheus/families.ts lists what is exposed).
 */
export async function GET(request: Request): Promise<Response> {
  try {
    const params = new URL(request.url).searchParams;
    const scope = await resolveReadScope(request, () => singleParam(params, 'project'));
    readQuery(params, ['project']);
    const body = await getPrometheusExposition({ projectId: scope.projectId }, new Date()).catch(readFailure);
    return new Response(body, { headers: { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
