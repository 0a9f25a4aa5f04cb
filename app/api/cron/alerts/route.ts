import { timingSafeEqual } from 'node:crypto';
import { listProjects } from '@/lib/alerts/run/queries';
import { runAlerts } from '@/lib/alerts/run/run-alerts';
import { parseShard, shardOf } from '@/lib/alerts/run/shard';
import { log } from '@/lib/log';
import { runMaintenance, summarizeMaintenance } from '@/lib/storage/maintenance';
import { after } from 'next/server';
import { env } from '@/lib/env';
import { errorBody, errorResponse } from '@/lib/http/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 60;

const noStore = { 'Cache-Control': 'no-store' };

/**
 * Vercel Cron (and `next dev`) call this every minute with `Authorization: Bearer ${CRON_SECRET}`. It
 * evaluates the rules, then, after answering, keeps storage in shape (partitions, rollups, retention).
 * `?shard=i/n` evaluates one shard of the projects; shard 0 (or an unsharded call) also does the storage
 * work, once per minute.
 */
export async function GET(request: Request) {
  const denied = authorize(request);
  if (denied) return denied;
  try {
    const shard = parseShard(new URL(request.url).searchParams.get('shard'));
    const projectIds = shard
      ? (await listProjects()).filter((p) => shardOf(p.id, shard.count) === shard.index).map((p) => p.id)
      : undefined;
    const summary = await runAlerts(undefined, projectIds ? { projectIds } : {});
    // Storage upkeep runs once the answer is sent, so the rules' run stays as quick as its probes allow.
    const maintains = shard === null || shard.index === 0;
    if (maintains)
      after(async () => log.info('maintenance_done', summarizeMaintenance(await runMaintenance())));
    return Response.json(
      { ...summary, ...(shard ? { shard } : {}), maintenance: maintains },
      { headers: noStore },
    );
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
