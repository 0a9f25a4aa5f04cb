import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { toMs } from './decode';
import { callCandidates, isAiSdkCall, NO_STORED_CALLS, type Span, type StoredCalls } from './traces';

/** How long before its child a model-call span may have started, for the lookup of a stored parent. */
const PARENT_LOOKBACK_MS = 3_600_000;

type Probe = { id: string; lo: string; hi: string };

/**
 * The model calls stored by earlier exports that this export's model-call spans belong with: their parents stored
 * as `ai.call` (found by the primary key: id and a time range), and the AI SDK call spans named as the parent of a
 * call stored before them (otlp_call_parents, by its key). Two statements at most, none when no span needs one.
 */
export async function findStoredCalls(
  projectId: string,
  spans: readonly (Span | string)[],
): Promise<StoredCalls> {
  const candidates = callCandidates(spans);
  if (candidates.length === 0) return NO_STORED_CALLS;
  const inExport = new Set(spans.flatMap((s) => (typeof s === 'string' ? [] : [s.spanId])));
  const iso = (ms: number) => new Date(ms).toISOString();
  const parents: Probe[] = candidates
    .filter((s) => !isAiSdkCall(s) && s.parentSpanId !== undefined && !inExport.has(s.parentSpanId))
    .map((s) => ({
      id: s.parentSpanId!,
      lo: iso(toMs(s.startNs) - PARENT_LOOKBACK_MS),
      hi: iso(toMs(s.startNs)),
    }));
  const aiSdkCalls = candidates.filter(isAiSdkCall).map((s) => s.spanId);
  const db = await getDb();
  const [callParents, parentsOfCalls] = await Promise.all([
    parents.length === 0
      ? Promise.resolve([])
      : rawRows<{ id: string }>(
          db,
          sql`select s.id from jsonb_to_recordset(${JSON.stringify(parents)}::jsonb) as s(id text, lo timestamptz, hi timestamptz)
              where exists (select 1 from events e
                where e.project_id = ${projectId} and e.event_id = s.id and e.type = 'ai.call'
                  and e.ts >= s.lo and e.ts <= s.hi)`,
        ),
    // Only the AI SDK's call spans: an instrumented SDK's span under one ends first and often goes in an earlier
    // export. One parameter (a JSON array), not one per span: building and binding 512 cost more than the lookup.
    aiSdkCalls.length === 0
      ? Promise.resolve([])
      : rawRows<{ id: string }>(
          db,
          sql`select parent_span_id as id from otlp_call_parents
              where project_id = ${projectId}
                and parent_span_id in (select jsonb_array_elements_text(${JSON.stringify(aiSdkCalls)}::jsonb))`,
        ),
  ]);
  return {
    callParents: new Set(callParents.map((r) => r.id)),
    parentsOfCalls: new Set(parentsOfCalls.map((r) => r.id)),
  };
}

/** How long a recorded parent is kept: it arrives within seconds of its child, or never. */
const CALL_PARENT_TTL = '1 hour';

/** Records the parents of calls just stored whose parent span had not arrived; forgets those of an hour ago. */
export async function recordCallParents(projectId: string, parentSpanIds: readonly string[]): Promise<void> {
  if (parentSpanIds.length === 0) return;
  await rawRows(
    await getDb(),
    sql`with gone as (delete from otlp_call_parents where stored_at < now() - interval '${sql.raw(CALL_PARENT_TTL)}')
        insert into otlp_call_parents (project_id, parent_span_id)
        select distinct ${projectId}::uuid, id from jsonb_array_elements_text(${JSON.stringify(parentSpanIds)}::jsonb) as id
        on conflict (project_id, parent_span_id) do update set stored_at = now()`,
  );
}
