/**
 * Silences and alert instances, pure. A silence with a null rule covers every rule of its project, a null
 * group key every group; it is in force until `endsAt` (exclusive). The cron and the alerts page match
 * silences with these same functions.
 */

export type SilenceScope = { ruleId: string | null; groupKey: string | null; endsAt: Date };

/** Key of an alert instance in a map: rule id and group key ('' when ungrouped). */
export const instanceKey = (ruleId: string, groupKey: string | null) => `${ruleId}\u0000${groupKey ?? ''}`;

export function covers(s: SilenceScope, ruleId: string, groupKey: string | null, now: Date): boolean {
  return (
    s.endsAt.getTime() > now.getTime() &&
    (s.ruleId === null || s.ruleId === ruleId) &&
    (s.groupKey === null || s.groupKey === (groupKey ?? ''))
  );
}

/** Whether any silence covers the instance now. */
export function isSilenced(
  active: readonly SilenceScope[],
  ruleId: string,
  groupKey: string | null,
  now: Date,
): boolean {
  return active.some((s) => covers(s, ruleId, groupKey, now));
}

/** When the last silence covering the alert ends, or null when none covers it now. */
export function silencedUntil(
  silences: readonly SilenceScope[],
  ruleId: string,
  groupKey: string,
  now: Date,
): Date | null {
  let until: Date | null = null;
  for (const s of silences) {
    if (covers(s, ruleId, groupKey, now) && (!until || s.endsAt > until)) until = s.endsAt;
  }
  return until;
}
