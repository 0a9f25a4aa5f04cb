'use client';

import { useActionState } from 'react';
import { upsertModelPriceAction } from '../actions';
import { Button, echoedText, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';

const PRICE_FIELDS = [
  { name: 'inputPerMTok', label: 'Input', required: true, placeholder: '3' },
  { name: 'outputPerMTok', label: 'Output', required: true, placeholder: '15' },
  { name: 'cacheReadPerMTok', label: 'Cache read', required: false, placeholder: '0.1 × input' },
  { name: 'cacheWritePerMTok', label: 'Cache write', required: false, placeholder: '1.25 × input' },
] as const;

/** Adds an override, or replaces the one with the same prefix. */
export function FormModelPrice({ projectId, suggestions }: { projectId: string; suggestions: string[] }) {
  const [state, formAction, pending] = useActionState(upsertModelPriceAction, null);

  return (
    <form action={formAction} className="space-y-3" aria-label="Save model price">
      <input type="hidden" name="projectId" value={projectId} />
      <Field
        label="Model prefix"
        hint="The longest matching prefix wins; saving an existing prefix replaces its prices."
      >
        <input
          name="model"
          required
          maxLength={100}
          list="model-prefixes"
          defaultValue={echoedText(state, 'model')}
          placeholder="claude-sonnet-4"
          autoCapitalize="none"
          spellCheck={false}
          className={`${INPUT_CLASS} font-mono`}
        />
      </Field>
      <datalist id="model-prefixes">
        {suggestions.map((model) => (
          <option key={model} value={model} />
        ))}
      </datalist>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {PRICE_FIELDS.map((field) => (
          <Field key={field.name} label={`${field.label} $/MTok`}>
            <input
              name={field.name}
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              required={field.required}
              defaultValue={echoedText(state, field.name)}
              placeholder={field.placeholder}
              className={`${INPUT_CLASS} tabular-nums`}
            />
          </Field>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button pending={pending}>{pending ? 'Saving…' : 'Save price'}</Button>
        <div aria-live="polite">
          <FormMessage state={state} />
        </div>
      </div>
    </form>
  );
}
