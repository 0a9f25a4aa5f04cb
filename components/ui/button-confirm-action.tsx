'use client';

import { useActionState, useState } from 'react';
import type { ActionState } from '@/lib/actions/validated-action';
import { Button, FormMessage } from './form-parts';

type Props = {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  fields: Record<string, string>;
  label: string;
  question: string;
  confirmLabel: string;
};

/** A destructive action behind a second, explicit click. */
export function ButtonConfirmAction({ action, fields, label, question, confirmLabel }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);

  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {confirming ? (
        <span className="flex flex-col items-end gap-1.5">
          <span className="max-w-[16rem] text-right text-xs text-zinc-600 dark:text-zinc-400">
            {question}
          </span>
          <span className="flex gap-2">
            <Button type="button" variant="quiet" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button variant="danger" pending={pending}>
              {pending ? 'Working…' : confirmLabel}
            </Button>
          </span>
        </span>
      ) : (
        <Button type="button" variant="quiet" onClick={() => setConfirming(true)}>
          {label}
        </Button>
      )}
      <FormMessage state={state && 'error' in state ? state : null} />
    </form>
  );
}
