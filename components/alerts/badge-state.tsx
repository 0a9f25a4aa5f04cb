import type { InstanceState } from '@/lib/alerts/engine/types';

const TONES: Record<InstanceState, string> = {
  firing: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300',
  pending: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  resolved: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  ok: 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400',
  no_data: 'border border-dashed border-zinc-300 text-zinc-500 dark:border-zinc-700',
};

export function BadgeState({ state }: { state: InstanceState }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium whitespace-nowrap ${TONES[state]}`}>
      {state.replace('_', ' ')}
    </span>
  );
}

/** "ok → firing" */
export function StateChange({ from, to }: { from: InstanceState; to: InstanceState }) {
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      <BadgeState state={from} />
      <span aria-hidden className="text-zinc-400">
        →
      </span>
      <span className="sr-only">to</span>
      <BadgeState state={to} />
    </span>
  );
}
