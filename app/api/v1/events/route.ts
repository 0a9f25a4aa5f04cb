import { after } from 'next/server';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { deployment } from '@/lib/http/deployment';
import { errorResponse } from '@/lib/http/errors';
import { applySecurityHeaders } from '@/lib/http/security-headers';
import { readJsonBody } from '@/lib/ingest/body';
import { corsHeaders, ingestFromBrowser, isBrowserRequest, preflight } from '@/lib/ingest/browser';
import { ingestBatch, type IngestResult } from '@/lib/ingest/ingest';
import { enforceRateLimit } from '@/lib/ingest/rate-limit';
import { getKv } from '@/lib/kv';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Outside the proxy (see proxy.ts config), so its answers get the security headers here. */
export async function POST(request: Request): Promise<Response> {
  const response = isBrowserRequest(request) ? await fromBrowser(request) : await ingest(request);
  applySecurityHeaders(response.headers, { framable: false, hsts: deployment.hsts });
  return response;
}

/** The CORS preflight of a page sending with a browser key (`?key=`): allowed origins only. */
export async function OPTIONS(request: Request): Promise<Response> {
  const { status, headers } = await preflight(request);
  const response = new Response(null, { status, headers });
  applySecurityHeaders(response.headers, { framable: false, hsts: deployment.hsts });
  return response;
}

async function ingest(request: Request): Promise<Response> {
  try {
    const key = await authenticateApiKey(request, 'ingest');
    await enforceRateLimit(getKv(), key.keyId);
    const body = await readJsonBody(request);
    return answer(await ingestBatch(key.projectId, body));
  } catch (error) {
    return errorResponse(error);
  }
}

async function fromBrowser(request: Request): Promise<Response> {
  try {
    const { result, origin } = await ingestFromBrowser(request);
    const response = answer(result);
    for (const [name, value] of Object.entries(corsHeaders(origin))) response.headers.set(name, value);
    return response;
  } catch (error) {
    const response = errorResponse(error);
    // A refused key or origin gets no CORS headers (the browser refuses the answer to the page); any other error
    // (429 with Retry-After, 400 with what to fix) is readable by the page.
    const origin = request.headers.get('origin');
    if (origin && response.status !== 401 && response.status !== 403) {
      for (const [name, value] of Object.entries(corsHeaders(origin))) response.headers.set(name, value);
    }
    return response;
  }
}

function answer(result: IngestResult): Response {
  // The live counters are written once per database write, after the answer; this keeps a serverless instance up for it.
  after(() => result.liveRecorded);
  return Response.json(result.body, { status: result.status });
}
