import type { Severity } from '@/lib/alerts/engine/types';

const TONES: Record<Severity, string> = {
  P1: 'bg-rose-600 text-white dark:bg-rose-500',
  P2: 'bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-300',
  P3: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  P4: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
};

export function BadgeSeverity({ severity }: { severity: Severity }) {
  return (
    <span
      title={`Severity ${severity}`}
      className={`rounded px-1.5 py-0.5 text-[11px] font-semibold tabular-nums ${TONES[severity]}`}
    >
      {severity}
    </span>
  );
}
