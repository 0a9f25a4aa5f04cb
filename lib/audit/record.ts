import { getDb } from '@/db/client';
import { describeError } from '@/db/errors';
import { auditLog, type NewAuditEntry } from '@/db/schema';

/** Writes an audit entry; failures are logged, never thrown into the caller's request. */
export async function recordAudit(entry: NewAuditEntry): Promise<void> {
  try {
    const db = await getDb();
    await db.insert(auditLog).values(entry);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'error',
        event: 'audit_write_failed',
        action: entry.action,
        error: describeError(error),
      }),
    );
  }
}
