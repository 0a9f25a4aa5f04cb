import { env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import type { NewEventRow } from '@/db/schema';
import { prepareBatch } from './batch';
import type { EventError } from './schema';
import { projectPrices, storeRows } from './store';

export type IngestResult = {
  status: 200 | 207;
  body: { accepted: number; duplicates: number; rejected: number; errors?: EventError[] };
  stored: NewEventRow[];
  /** Settles when the KV live counters include the stored rows; KV failures are logged, never raised. */
  liveRecorded: Promise<void>;
};

/** Validates, prices and stores one batch for a project: the verb behind POST /api/v1/events. */
export async function ingestBatch(projectId: string, body: unknown, now = new Date()): Promise<IngestResult> {
  const prices = await projectPrices(projectId);
  const batch = prepareBatch(body, projectId, { now, retentionDays: env.RETENTION_DAYS, prices });
  if (batch.rows.length === 0 && batch.errors.length === batch.total) {
    throw new AllInvalidError(batch.errors);
  }
  const { stored, liveRecorded } = await storeRows(batch.rows);
  const accepted = stored.length;
  const duplicates = batch.rows.length - accepted + batch.inBatchDuplicates;
  const rejected = batch.errors.length;
  return {
    status: rejected > 0 ? 207 : 200,
    body: { accepted, duplicates, rejected, ...(rejected > 0 ? { errors: batch.errors } : {}) },
    stored,
    liveRecorded,
  };
}

export class AllInvalidError extends AppError {
  constructor(readonly errors: EventError[]) {
    super(
      'bad_request',
      `All ${errors.length} events are invalid; see "errors" for what to fix in each.`,
      {},
      { errors },
    );
  }
}
