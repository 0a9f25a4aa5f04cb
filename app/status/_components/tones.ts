import type { ComponentState, OverallStatus } from '@/lib/status/model';
import type { BarTone } from '@/lib/status/uptime';

export const DOT: Record<ComponentState, string> = {
  operational: 'bg-emerald-500',
  degraded: 'bg-amber-400',
  outage: 'bg-rose-500',
  unknown: 'bg-zinc-400',
};

export const STATE_TEXT: Record<ComponentState, string> = {
  operational: 'text-emerald-700 dark:text-emerald-400',
  degraded: 'text-amber-700 dark:text-amber-400',
  outage: 'text-rose-700 dark:text-rose-400',
  unknown: 'text-zinc-500',
};

export const BANNER: Record<OverallStatus, string> = {
  operational:
    'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-200',
  degraded:
    'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-200',
  major:
    'border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-200',
  unknown:
    'border-zinc-300 bg-zinc-100 text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200',
};

export const BAR: Record<BarTone, string> = {
  up: 'bg-emerald-500',
  partial: 'bg-amber-400',
  down: 'bg-rose-500',
  none: 'bg-zinc-200 dark:bg-zinc-700',
};
