import 'server-only';
import { and, eq, gt } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { silences, type SilenceRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { actorOf, assertAdmin, type Member } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';
import { requireProject } from '@/lib/settings/require-project';
import { getRuleName } from '../rules/queries';
import { MAX_SILENCE_MS, SILENCE_REASON_MAX } from './constants';
import { silenceScopeText } from './silence';

export type NewSilence = { ruleId: string | null; groupKey: string | null; endsAt: Date; reason: string };

/** Mutes notifications of a rule (or every rule) and a group (or every group) until `endsAt`. Admins only. */
export async function createSilence(
  projectId: string,
  input: NewSilence,
  viewer: Member,
  now: Date = new Date(),
): Promise<{ silence: SilenceRow; scope: string }> {
  assertAdmin(viewer, projectId, 'create silences');
  if (input.endsAt.getTime() <= now.getTime())
    throw new AppError('bad_request', 'The end time has already passed; pick a time in the future.');
  if (input.endsAt.getTime() - now.getTime() > MAX_SILENCE_MS)
    throw new AppError('bad_request', 'A silence lasts at most 30 days; pick an earlier end time.');
  const reason = input.reason.trim();
  if (reason.length > SILENCE_REASON_MAX)
    throw new AppError('bad_request', `Keep the reason to ${SILENCE_REASON_MAX} characters.`);
  const db = await getDb();
  await requireProject(db, projectId);
  const ruleName = input.ruleId ? await getRuleName(projectId, input.ruleId) : null;
  if (input.ruleId && ruleName === null)
    throw new AppError(
      'not_found',
      'This project has no such rule; it may have been deleted. Reload and pick another.',
    );
  const actor = actorOf(viewer);
  const [silence] = await db
    .insert(silences)
    .values({
      projectId,
      ruleId: input.ruleId,
      groupKey: input.groupKey,
      endsAt: input.endsAt,
      createdBy: actor,
      reason,
    })
    .returning();
  const scope = silenceScopeText(input, ruleName);
  await recordAudit({
    projectId,
    actor,
    action: 'silence.created',
    target: scope,
    details: {
      silenceId: silence!.id,
      ruleId: input.ruleId,
      groupKey: input.groupKey,
      endsAt: input.endsAt.toISOString(),
      reason,
    },
  });
  return { silence: silence!, scope };
}

/** Ends a silence now (its row stays, as history). Admins only. */
export async function endSilence(
  projectId: string,
  silenceId: string,
  viewer: Member,
  now: Date = new Date(),
): Promise<{ silence: SilenceRow; scope: string }> {
  assertAdmin(viewer, projectId, 'end silences');
  const db = await getDb();
  const [silence] = await db
    .update(silences)
    .set({ endsAt: now })
    .where(and(eq(silences.projectId, projectId), eq(silences.id, silenceId), gt(silences.endsAt, now)))
    .returning();
  if (!silence) throw new AppError('not_found', 'This silence has already ended or does not exist.');
  const ruleName = silence.ruleId ? await getRuleName(projectId, silence.ruleId) : null;
  const scope = silenceScopeText(silence, ruleName);
  await recordAudit({
    projectId,
    actor: actorOf(viewer),
    action: 'silence.ended',
    target: scope,
    details: { silenceId, ruleId: silence.ruleId, groupKey: silence.groupKey, reason: silence.reason },
  });
  return { silence, scope };
}
