import 'server-only';
import type { LogQuery } from '@/lib/metrics/types';
import { recordAudit } from './record';

type Reader = { projectId: string; actor: string };

/**
 * Audits a read of the logs, which hold user ids, messages and stack traces: who, when, through what, and
 * which filters; the search text only by its length, so no user content lands in the audit log.
 */
export function auditLogRead(
  reader: Reader,
  query: Omit<LogQuery, 'limit'>,
  via: 'page' | 'api',
): Promise<void> {
  const searched = Boolean(
    query.text || query.userId || query.traceId || query.event || query.levels?.length || query.service,
  );
  return recordAudit({
    projectId: reader.projectId,
    actor: reader.actor,
    action: searched ? 'logs.searched' : 'logs.viewed',
    target: via,
    details: {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      ...(query.levels?.length ? { levels: query.levels } : {}),
      ...(query.service ? { service: query.service } : {}),
      ...(query.event ? { event: query.event } : {}),
      ...(query.userId ? { user: query.userId } : {}),
      ...(query.traceId ? { trace: query.traceId } : {}),
      ...(query.text ? { textLength: query.text.length } : {}),
      ...(query.cursor ? { page: 'older' } : {}),
    },
  });
}
