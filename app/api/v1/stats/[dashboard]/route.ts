import { resolveReadScope } from '@/lib/auth/read-access';
import { errorResponse } from '@/lib/http/errors';
import { singleParam } from '@/lib/http/query-params';
import { readFailure } from '@/lib/metrics/errors';
import { getAi, getExperience, getOverview, getSystem } from '@/lib/metrics/queries';
import { parseDashboard, parseStatsQuery, type Dashboard } from './schema';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const LOADERS = {
  overview: getOverview,
  experience: getExperience,
  ai: getAi,
  system: getSystem,
} satisfies Record<Dashboard, unknown>;

/** `GET /api/v1/stats/{overview,experience,ai,system}`: the figures of that dashboard, as its page shows them. */
export async function GET(
  request: Request,
  context: { params: Promise<{ dashboard: string }> },
): Promise<Response> {
  try {
    const params = new URL(request.url).searchParams;
    const scope = await resolveReadScope(request, () => singleParam(params, 'project'));
    const dashboard = parseDashboard((await context.params).dashboard);
    const { range, filters } = parseStatsQuery(params);
    const body = await LOADERS[dashboard]({ projectId: scope.projectId }, range, filters).catch(readFailure);
    return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
