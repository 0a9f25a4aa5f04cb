/** Which silences cover an alert, for the UI. Pure; same matching as the cron's `isSilenced`. */

export type SilenceScope = { ruleId: string | null; groupKey: string | null; endsAt: Date };

export function covers(s: SilenceScope, ruleId: string, groupKey: string, now: Date): boolean {
  return (
    s.endsAt.getTime() > now.getTime() &&
    (s.ruleId === null || s.ruleId === ruleId) &&
    (s.groupKey === null || s.groupKey === groupKey)
  );
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

/** "Error rate above 1% · route /api/chat", "All rules · every group". */
export function silenceScopeText(
  s: { ruleId: string | null; groupKey: string | null },
  ruleName: string | null,
): string {
  const rule = s.ruleId === null ? 'All rules' : (ruleName ?? 'A deleted rule');
  const group = s.groupKey === null ? 'every group' : s.groupKey === '' ? 'ungrouped' : s.groupKey;
  return `${rule} · ${group}`;
}
