/** How the alerts page words a silence. Pure; matching lives in ../engine/silence. */

/** "Error rate above 1% · route /api/chat", "All rules · every group". */
export function silenceScopeText(
  s: { ruleId: string | null; groupKey: string | null },
  ruleName: string | null,
): string {
  const rule = s.ruleId === null ? 'All rules' : (ruleName ?? 'A deleted rule');
  const group = s.groupKey === null ? 'every group' : s.groupKey === '' ? 'ungrouped' : s.groupKey;
  return `${rule} · ${group}`;
}
