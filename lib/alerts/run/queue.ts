import 'server-only';
import type { Db } from '@/db/client';
import { notificationDeliveries } from '@/db/schema';

/** What a queued delivery names: the rest (pending, due now) is the same for every kind. */
export type DeliveryToQueue = Pick<
  typeof notificationDeliveries.$inferInsert,
  'projectId' | 'transitionId' | 'kind' | 'seq' | 'digestDay' | 'channel'
>;

/**
 * Queues deliveries, due at `now`, once: the unique keys (transition, channel, repeat number; digest day
 * and channel) turn a second queueing by a repeated or concurrent run into nothing. Answers how many were new.
 * `db` may be a transaction.
 */
export async function queueDeliveries(
  db: Pick<Db, 'insert'>,
  rows: DeliveryToQueue[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const queued = await db
    .insert(notificationDeliveries)
    .values(rows.map((r) => ({ ...r, status: 'pending' as const, nextAttemptAt: now, createdAt: now })))
    .onConflictDoNothing()
    .returning({ id: notificationDeliveries.id });
  return queued.length;
}
