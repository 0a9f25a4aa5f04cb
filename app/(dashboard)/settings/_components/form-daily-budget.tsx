'use client';

import { useActionState } from 'react';
import { setDailyBudgetAction } from '../actions';
import { Button, echoedText, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';

export function FormDailyBudget({ projectId, current }: { projectId: string; current: number | null }) {
  const [state, formAction, pending] = useActionState(setDailyBudgetAction, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3" aria-label="Set daily budget">
      <input type="hidden" name="projectId" value={projectId} />
      <Field label="Daily budget (USD)" hint="Leave blank for no budget.">
        <input
          name="dailyBudgetUsd"
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          defaultValue={echoedText(state, 'dailyBudgetUsd') ?? (current === null ? '' : String(current))}
          placeholder="50"
          className={`${INPUT_CLASS} w-40 tabular-nums`}
        />
      </Field>
      <Button pending={pending}>{pending ? 'Saving…' : 'Save budget'}</Button>
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
