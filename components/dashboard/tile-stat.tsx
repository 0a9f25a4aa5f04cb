import Link from 'next/link';
import { formatTrend, formatValue, type Unit } from '@/lib/format';

type Props = {
  label: string;
  value: number | null;
  unit: Unit;
  /** Relative change vs the previous period; `goodWhen` says which direction is an improvement. */
  trend?: number | null;
  goodWhen?: 'up' | 'down';
  hint?: string;
  href?: string;
};

export function TileStat({ label, value, unit, trend, goodWhen = 'up', hint, href }: Props) {
  const trendText = trend === undefined ? null : formatTrend(trend);
  const good = trend !== null && trend !== undefined && trend !== 0 && (trend > 0) === (goodWhen === 'up');
  const bad = trend !== null && trend !== undefined && trend !== 0 && !good;
  const body = (
    <div className="h-full rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</p>
      <p
        className={`mt-1 text-2xl font-semibold tabular-nums ${value === null ? 'text-zinc-400 dark:text-zinc-600' : ''}`}
        data-testid={`figure-${label}`}
      >
        {formatValue(value, unit)}
      </p>
      <p className="mt-1 flex gap-2 text-xs text-zinc-500">
        {trendText && (
          <span className={good ? 'text-emerald-600 dark:text-emerald-400' : bad ? 'text-rose-600 dark:text-rose-400' : ''}>
            {trendText} vs previous
          </span>
        )}
        {hint && <span>{hint}</span>}
      </p>
    </div>
  );
  return href ? (
    <Link href={href} className="block transition hover:opacity-80">
      {body}
    </Link>
  ) : (
    body
  );
}
