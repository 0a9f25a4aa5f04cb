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
 * as `ai.call` (found by the primary key: id and a time range), and their children stored as `ai.call` (their
 * calls' parent ids within each span's own time). Two statements at most, none when no span is a model call.
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
  const children: Probe[] = candidates.map((s) => ({
    id: s.spanId,
    lo: iso(toMs(s.startNs)),
    hi: iso(toMs(s.endNs)),
  }));
  const db = await getDb();
  const probe = (probes: Probe[], match: 'event_id' | 'parent_span_id') =>
    probes.length === 0
      ? Promise.resolve([])
      : rawRows<{ id: string }>(
          db,
          sql`select s.id from jsonb_to_recordset(${JSON.stringify(probes)}::jsonb) as s(id text, lo timestamptz, hi timestamptz)
              where exists (select 1 from events e
                where e.project_id = ${projectId} and e.type = 'ai.call' and e.${sql.raw(match)} = s.id
                  and e.ts >= s.lo and e.ts <= s.hi)`,
        );
  const [callParents, parentsOfCalls] = await Promise.all([
    probe(parents, 'event_id'),
    probe(children, 'parent_span_id'),
  ]);
  return {
    callParents: new Set(callParents.map((r) => r.id)),
    parentsOfCalls: new Set(parentsOfCalls.map((r) => r.id)),
  };
}
