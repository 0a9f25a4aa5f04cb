import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { alertInstances } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { actorOf, type Member } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';
import { getAlertState } from './queries';

export type Acknowledged = { ruleName: string; acknowledgedAt: Date; acknowledgedBy: string };

/**
 * Acknowledges a firing alert: it keeps firing and still resolves, but repeats stop. Any signed-in user may.
 * Only a firing, not yet acknowledged instance; anything else answers why not.
 */
export async function acknowledgeAlert(
  projectId: string,
  ruleId: string,
  groupKey: string,
  viewer: Member,
  now: Date = new Date(),
): Promise<Acknowledged> {
  const db = await getDb();
  const actor = actorOf(viewer);
  const key = and(
    eq(alertInstances.projectId, projectId),
    eq(alertInstances.ruleId, ruleId),
    eq(alertInstances.groupKey, groupKey),
  );
  const [updated] = await db
    .update(alertInstances)
    .set({ acknowledgedAt: now, acknowledgedBy: actor })
    .where(and(key, eq(alertInstances.state, 'firing'), isNull(alertInstances.acknowledgedAt)))
    .returning({ value: alertInstances.value, threshold: alertInstances.threshold });
  const current = await getAlertState(projectId, ruleId, groupKey);
  if (!updated) {
    if (!current)
      throw new AppError(
        'not_found',
        'This project has no alert for that rule and group; it may have been deleted.',
      );
    if (current.state !== 'firing')
      throw new AppError(
        'bad_request',
        `This alert is ${current.state.replace('_', ' ')}, not firing: only a firing alert can be acknowledged.`,
      );
    const by = current.acknowledgedBy ?? 'someone';
    const at = current.acknowledgedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '';
    throw new AppError('bad_request', `This alert was already acknowledged by ${by} at ${at} UTC.`);
  }
  const ruleName = current?.ruleName ?? 'deleted rule';
  await recordAudit({
    projectId,
    actor,
    action: 'alert.acknowledged',
    target: ruleName,
    details: { ruleId, groupKey, value: updated.value, threshold: updated.threshold },
  });
  return { ruleName, acknowledgedAt: now, acknowledgedBy: actor };
}
