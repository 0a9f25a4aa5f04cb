import 'server-only';
import { getDb } from '@/db/client';
import { ensurePartitions } from '@/db/partitions';
import { env } from '@/lib/env';
import { partitionWindow } from './partition-plan';

export {
  ensurePartitions,
  ensurePartitionsFor,
  isMissingPartition,
  listEventPartitions,
} from '@/db/partitions';

/**
 * For the cron: the partitions of every day ingest accepts and of the next two days. Cheap when they exist (one
 * catalog read); it creates tomorrow's partitions a day or two before the first event needs them.
 */
export async function ensureUpcomingPartitions(now: Date = new Date()): Promise<{ created: string[] }> {
  return ensurePartitions(await getDb(), partitionWindow(now, env.RETENTION_DAYS));
}
