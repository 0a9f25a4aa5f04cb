import { after } from 'next/server';
import { deployment } from '@/lib/http/deployment';
import { applySecurityHeaders } from '@/lib/http/security-headers';
import type { Signal } from '@/lib/otlp/decode';
import { receiveOtlp } from '@/lib/otlp/receive';

/** The adapter the three OTLP routes share; outside the proxy (see proxy.ts config), so it sets the security headers. */
export async function receive(signal: Signal, request: Request): Promise<Response> {
  const answer = await receiveOtlp(signal, request);
  // The live counters are written after the answer; this keeps a serverless instance up for it.
  after(() => answer.liveRecorded);
  const response = new Response(answer.encoded.body as BodyInit, {
    status: answer.status,
    headers: { ...answer.headers, 'content-type': answer.encoded.contentType },
  });
  applySecurityHeaders(response.headers, { framable: false, hsts: deployment.hsts });
  return response;
}
