import { env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import type { NewEventRow } from '@/db/schema';
import { prepareBatch, type PreparedBatch } from './batch';
import type { Refused } from './salvage';
import type { EventError } from './schema';
import { markServerStamped, projectPrices, refusalMessage, storeRows } from './store';

export type IngestResult = {
  status: 200 | 207;
  body: { accepted: number; duplicates: number; rejected: number; errors?: EventError[] };
  stored: NewEventRow[];
  /** Settles when the KV live counters include the stored rows; KV failures are logged, never raised. */
  liveRecorded: Promise<void>;
};

/**
 * Validates, prices and stores one batch for a project: the verb behind POST /api/v1/events. `browser`: the batch
 * came with a browser key, which sends the browser's event types only.
 */
export async function ingestBatch(
  projectId: string,
  body: unknown,
  { now = new Date(), browser = false }: { now?: Date; browser?: boolean } = {},
): Promise<IngestResult> {
  const prices = await projectPrices(projectId);
  const batch = prepareBatch(body, projectId, { now, retentionDays: env.RETENTION_DAYS, prices, browser });
  if (batch.rows.length === 0 && batch.errors.length === batch.total) {
    throw new AllInvalidError(batch.errors);
  }
  markServerStamped(batch.serverStamped);
  const { stored, refused, liveRecorded } = await storeRows(batch.rows);
  const errors = refused.length > 0 ? withRefused(batch, refused) : batch.errors;
  if (errors.length === batch.total) throw new AllInvalidError(errors);
  const accepted = stored.length;
  const duplicates = batch.rows.length - accepted - refused.length + batch.inBatchDuplicates;
  const rejected = errors.length;
  return {
    status: rejected > 0 ? 207 : 200,
    body: { accepted, duplicates, rejected, ...(rejected > 0 ? { errors } : {}) },
    stored,
    liveRecorded,
  };
}

/** The batch's own errors and the events Postgres refused, in body order. */
function withRefused(batch: PreparedBatch, refused: Refused<NewEventRow>[]): EventError[] {
  const originOf = new Map(batch.rows.map((row, i) => [row, batch.origins[i]!]));
  const more = refused.map(({ row, error }) => ({ ...originOf.get(row)!, message: refusalMessage(error) }));
  return [...batch.errors, ...more].sort((a, b) => a.index - b.index);
}

export class AllInvalidError extends AppError {
  constructor(readonly errors: EventError[]) {
    super(
      'bad_request',
      `All ${errors.length} events are invalid; see "errors" for what to fix in each (event ${errors[0]?.index}: ${errors[0]?.message.slice(0, 300)}).`,
      {},
      { errors },
    );
  }
}
