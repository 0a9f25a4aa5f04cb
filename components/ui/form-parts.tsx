import type { ReactNode } from 'react';
import type { ActionState, FormValues } from '@/lib/actions/validated-action';

export const INPUT_CLASS =
  'w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus:border-zinc-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-zinc-400 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-600';

/** What a failed submission sent, so fields can refill after React resets the form. */
export function echoed(state: ActionState): FormValues | null {
  return state && 'error' in state ? state.values : null;
}

export function echoedText(state: ActionState, name: string): string | undefined {
  const value = echoed(state)?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function Field({
  label,
  hint,
  children,
  className = '',
}: {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <label className={`block min-w-0 ${className}`}>
      <span className="mb-1 block text-xs font-medium text-zinc-700 dark:text-zinc-300">{label}</span>
      {children}
      {hint ? <span className="mt-1 block text-xs text-zinc-500">{hint}</span> : null}
    </label>
  );
}

const BUTTON_VARIANTS = {
  primary:
    'bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300',
  danger: 'bg-rose-600 text-white hover:bg-rose-500 dark:bg-rose-500 dark:hover:bg-rose-400',
  quiet:
    'border border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800',
} as const;

export function Button({
  variant = 'primary',
  pending = false,
  type = 'submit',
  onClick,
  children,
}: {
  variant?: keyof typeof BUTTON_VARIANTS;
  pending?: boolean;
  type?: 'submit' | 'button';
  onClick?: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type={type}
      onClick={onClick}
      disabled={pending}
      aria-busy={pending || undefined}
      className={`inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none disabled:cursor-wait disabled:opacity-60 ${BUTTON_VARIANTS[variant]}`}
    >
      {children}
    </button>
  );
}

/** The outcome of the last submission, announced to screen readers. */
export function FormMessage({ state }: { state: ActionState }) {
  if (!state) return null;
  if ('error' in state) {
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        {state.error}
      </p>
    );
  }
  return (
    <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
      {state.ok}
    </p>
  );
}

/** Shown instead of an admin form to everyone else. */
export function AdminNote({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-sm text-zinc-500 dark:border-zinc-700">
      {children}
    </p>
  );
}
