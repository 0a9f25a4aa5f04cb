import { after } from 'next/server';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { errorResponse } from '@/lib/http/errors';
import { readJsonBody } from '@/lib/ingest/body';
import { ingestBatch } from '@/lib/ingest/ingest';
import { recordLive } from '@/lib/ingest/live';
import { enforceRateLimit } from '@/lib/ingest/rate-limit';
import { getKv } from '@/lib/kv';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  try {
    const key = await authenticateApiKey(request, 'ingest');
    const kv = getKv();
    await enforceRateLimit(kv, key.keyId);
    const body = await readJsonBody(request);
    const result = await ingestBatch(key.projectId, body);
    if (result.stored.length > 0) after(() => recordLive(kv, key.projectId, result.stored));
    return Response.json(result.body, { status: result.status });
  } catch (error) {
    return errorResponse(error);
  }
}
