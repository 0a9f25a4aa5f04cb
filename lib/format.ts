/** Display formatting shared by server pages and client charts. `null` always reads "no data". */
export const NO_DATA = 'no data';

export const UNITS = ['ms', 'percent', 'count', 'usd', 'tokens', 'ratio', 'score', 'rate'] as const;
export type Unit = (typeof UNITS)[number];

export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return NO_DATA;
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'percent':
      return formatPercent(value);
    case 'usd':
      return formatUsd(value);
    case 'tokens':
    case 'count':
      return formatCount(value);
    case 'rate':
      return value > 0 && value < 0.1 ? `${formatCount(value * 60)}/h` : `${formatCount(value)}/min`;
    case 'score':
      return value.toFixed(2);
    case 'ratio':
      return value.toFixed(3);
  }
}

export function formatMs(ms: number): string {
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

const SPAN_UNITS = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
  [1, 's'],
] as const;

/**
 * A span in its two largest units, rounded down: "45 s", "5 min", "1 h 30 min", "2 d 4 h", "7 d".
 * Rule windows, alert ages, silences and incidents all read this way; a negative span reads "0 s".
 */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, label] of SPAN_UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n} ${label}`);
    if (parts.length === 2) break;
  }
  return parts.filter((p) => !p.startsWith('0 ')).join(' ');
}

/** `fraction` in [0, 1]. Small rates keep two decimals so 0.4% does not read as 0%. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  if (Math.abs(pct) < 10) return `${pct.toFixed(2)}%`;
  return `${pct.toFixed(1)}%`;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  if (Math.abs(usd) < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}

export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (Number.isInteger(n) || abs >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(1);
}

/** A relative change (0.1 = +10%) as a signed percentage, or null. */
export function formatTrend(change: number | null): string | null {
  if (change === null || !Number.isFinite(change)) return null;
  const pct = change * 100;
  if (Math.abs(pct) >= 1000) return `${pct > 0 ? '+' : '−'}${Math.round(Math.abs(change))}×`;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${sign}${Math.abs(pct) < 10 ? Math.abs(pct).toFixed(1) : Math.round(Math.abs(pct))}%`;
}

/** Axis tick for a bucket start (UTC): time of day for short ranges, date and hour for days, the date for weeks. */
export function formatTick(iso: string, bucketMs: number): string {
  const d = new Date(iso);
  const date = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  if (bucketMs >= 6 * 3_600_000) return date;
  if (bucketMs >= 30 * 60_000) return `${date} ${time}`;
  return time;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Disk space in binary units: "0 B", "812 KiB", "1.4 GiB". */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}
