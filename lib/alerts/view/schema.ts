import { z } from 'zod';
import { SILENCE_DURATION_MS, SILENCE_DURATIONS, SILENCE_REASON_MAX } from './constants';

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const projectId = z.uuid({ error: 'Pick a project first.' });
const ruleId = z.uuid({ error: 'This alert link names no valid rule; open the alert from the list again.' });
const groupKey = z.string().max(256, 'A group key is at most 256 characters.');

const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A `datetime-local` value is read as UTC (the dashboard shows UTC everywhere); a full ISO time keeps its offset. */
export function parseEndTime(value: string): Date | null {
  const text = value.trim();
  const ms = LOCAL_DATETIME.test(text)
    ? Date.parse(`${text}Z`)
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)
      ? Date.parse(text)
      : NaN;
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** A duration from the moment the form is handled, or a fixed end time. */
export type SilenceUntil = { durationMs: number } | { at: Date };

export const acknowledgeSchema = z.object({ projectId, ruleId, groupKey: groupKey.default('') });

/** `until` is a duration from now or a fixed end; the verb checks it against the clock. */
export const createSilenceSchema = z
  .object({
    projectId,
    ruleId: z.preprocess(
      blankAsUndefined,
      z.uuid({ error: 'Pick a rule from the list, or "All rules".' }).optional(),
    ),
    groupKey: z.preprocess(blankAsUndefined, groupKey.trim().optional()),
    duration: z.enum(SILENCE_DURATIONS, {
      error: 'Pick how long the silence lasts: 1 h, 4 h, 24 h or a custom end time.',
    }),
    endsAt: z.preprocess(blankAsUndefined, z.string().optional()),
    reason: z.preprocess(
      (v) => v ?? '',
      z.string().trim().max(SILENCE_REASON_MAX, `Keep the reason to ${SILENCE_REASON_MAX} characters.`),
    ),
  })
  .transform(
    (
      input,
      ctx,
    ): {
      projectId: string;
      ruleId: string | null;
      groupKey: string | null;
      reason: string;
      until: SilenceUntil;
    } => {
      const base = {
        projectId: input.projectId,
        ruleId: input.ruleId ?? null,
        groupKey: input.groupKey ?? null,
        reason: input.reason,
      };
      if (input.duration !== 'custom')
        return { ...base, until: { durationMs: SILENCE_DURATION_MS[input.duration] } };
      const at = input.endsAt === undefined ? null : parseEndTime(input.endsAt);
      if (!at) {
        ctx.addIssue({
          code: 'custom',
          path: ['endsAt'],
          message: 'Enter the end time of the silence (UTC), e.g. 2030-01-31T18:00.',
        });
        return z.NEVER;
      }
      return { ...base, until: { at } };
    },
  );

export const endSilenceSchema = z.object({
  projectId,
  silenceId: z.uuid({ error: 'Pick the silence to end.' }),
});

export type CreateSilenceForm = z.output<typeof createSilenceSchema>;

/** The end time a form asks for, at `now`. */
export function silenceEnd(until: SilenceUntil, now: Date): Date {
  return 'at' in until ? until.at : new Date(now.getTime() + until.durationMs);
}
