import type { AlertNotification } from './types';

/** "FIRING", "RESOLVED" or "TEST". */
export function stateLabel(n: AlertNotification): 'FIRING' | 'RESOLVED' | 'TEST' {
  return n.kind === 'resolved' ? 'RESOLVED' : n.kind === 'test' ? 'TEST' : 'FIRING';
}

/** "[P1] FIRING: Error rate > 1%" */
export function alertTitle(n: AlertNotification): string {
  return oneLine(`[${n.severity}] ${stateLabel(n)}: ${n.ruleName}`);
}

export function formatNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', { maximumFractionDigits: 4, useGrouping: false });
}

export function orNa(v: string | null | undefined): string {
  return v === null || v === undefined || v === '' ? 'n/a' : v;
}

/** Removes line breaks and control characters (header injection, Slack header blocks). */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Replaces every occurrence of each secret (non-empty, 3+ chars) with "***". */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}

/** "https://hooks.slack.com" for a URL, never its path or query (they may carry secrets). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'invalid URL';
  }
}
