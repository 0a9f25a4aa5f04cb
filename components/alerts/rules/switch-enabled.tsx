'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/lib/actions/validated-action';

type Props = {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** Hidden fields naming what to switch; `enabled` is added. */
  fields: Record<string, string>;
  enabled: boolean;
  /** Accessible name, e.g. the rule's name. */
  label: string;
};

/** An on/off switch that submits the opposite state; the page re-renders with the saved one. */
export function SwitchEnabled({ action, fields, enabled, label }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const shown = pending ? !enabled : enabled;
  return (
    <form action={formAction} className="flex flex-col items-start gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="enabled" value={String(!enabled)} />
      <button
        type="submit"
        role="switch"
        aria-checked={enabled}
        aria-label={label}
        disabled={pending}
        className="group inline-flex items-center gap-2 rounded-md py-0.5 text-xs font-medium text-zinc-700 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none disabled:cursor-wait dark:text-zinc-300"
      >
        <span
          aria-hidden
          className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors ${shown ? 'bg-emerald-600 dark:bg-emerald-500' : 'bg-zinc-300 dark:bg-zinc-700'} ${pending ? 'opacity-60' : ''}`}
        >
          <span
            className={`inline-block size-4 rounded-full bg-white shadow transition-transform ${shown ? 'translate-x-4.5' : 'translate-x-0.5'}`}
          />
        </span>
        <span className="w-6 text-left">{shown ? 'On' : 'Off'}</span>
      </button>
      {state && 'error' in state ? (
        <p role="alert" className="max-w-[14rem] text-xs text-rose-700 dark:text-rose-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

/** The same state, read-only, for viewers who cannot change it. */
export function BadgeEnabled({ enabled }: { enabled: boolean }) {
  return (
    <span
      className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${enabled ? 'bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300' : 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400'}`}
    >
      {enabled ? 'enabled' : 'disabled'}
    </span>
  );
}
