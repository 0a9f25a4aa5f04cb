import { after } from 'next/server';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { deployment } from '@/lib/http/deployment';
import { errorResponse } from '@/lib/http/errors';
import { applySecurityHeaders } from '@/lib/http/security-headers';
import { readJsonBody } from '@/lib/ingest/body';
import { ingestBatch } from '@/lib/ingest/ingest';
import { enforceRateLimit } from '@/lib/ingest/rate-limit';
import { getKv } from '@/lib/kv';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Outside the proxy (see proxy.ts config), so its answers get the security headers here. */
export async function POST(request: Request): Promise<Response> {
  const response = await ingest(request);
  applySecurityHeaders(response.headers, { framable: false, hsts: deployment.hsts });
  return response;
}

async function ingest(request: Request): Promise<Response> {
  try {
    const key = await authenticateApiKey(request, 'ingest');
    await enforceRateLimit(getKv(), key.keyId);
    const body = await readJsonBody(request);
    const result = await ingestBatch(key.projectId, body);
    // The live counters are written once per database write, after the answer; this keeps a serverless instance up for it.
    after(() => result.liveRecorded);
    return Response.json(result.body, { status: result.status });
  } catch (error) {
    return errorResponse(error);
  }
}
