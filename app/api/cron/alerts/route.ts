import { timingSafeEqual } from 'node:crypto';
import { runAlerts } from '@/lib/alerts/run/run-alerts';
import { env } from '@/lib/env';
import { errorBody, errorResponse } from '@/lib/http/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 60;

const noStore = { 'Cache-Control': 'no-store' };

/** Vercel Cron (and `next dev`) call this every minute with `Authorization: Bearer ${CRON_SECRET}`. */
export async function GET(request: Request) {
  const denied = authorize(request);
  if (denied) return denied;
  try {
    return Response.json(await runAlerts(), { headers: noStore });
  } catch (error) {
    return errorResponse(error);
  }
}

function authorize(request: Request): Response | null {
  const secret = env.CRON_SECRET;
  if (!secret) {
    if (env.NODE_ENV === 'production')
      return unauthorized(
        'CRON_SECRET is not set; the cron route refuses every call in production until it is.',
      );
    return null;
  }
  const given = Buffer.from(request.headers.get('authorization') ?? '');
  const expected = Buffer.from(`Bearer ${secret}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return unauthorized('Missing or wrong Authorization: Bearer <CRON_SECRET>.');
  return null;
}

function unauthorized(message: string): Response {
  return Response.json(errorBody('unauthorized', message), { status: 401, headers: noStore });
}
