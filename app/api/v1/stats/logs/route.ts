import { after } from 'next/server';
import { auditLogRead } from '@/lib/audit/data-access';
import { resolveReadScope } from '@/lib/auth/read-access';
import { errorResponse } from '@/lib/http/errors';
import { singleParam } from '@/lib/http/query-params';
import { readFailure } from '@/lib/metrics/errors';
import { searchLogs } from '@/lib/metrics/queries';
import { parseLogsQuery } from './schema';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** `GET /api/v1/stats/logs`: logs and errors, newest first; pass `nextCursor` back as `cursor` for older ones. */
export async function GET(request: Request): Promise<Response> {
  try {
    const params = new URL(request.url).searchParams;
    const scope = await resolveReadScope(request, () => singleParam(params, 'project'));
    const { query } = parseLogsQuery(params);
    const page = await searchLogs({ projectId: scope.projectId }, query).catch(readFailure);
    after(() => auditLogRead(scope, query, 'api'));
    return Response.json(page, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
