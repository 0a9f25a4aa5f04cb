'use client';

import type { ReactNode } from 'react';
import { Field, INPUT_CLASS } from '@/components/ui/form-parts';
import { DURATION_UNITS, UNIT_LABELS } from '@/lib/alerts/rules/constants';

export type Values = Record<string, string | undefined>;
export type Option = readonly [value: string, label: string];

export function SelectField({
  label,
  name,
  options,
  defaultValue,
  onChange,
  hint,
}: {
  label: string;
  name: string;
  options: readonly Option[];
  defaultValue?: string;
  onChange?: (value: string) => void;
  hint?: ReactNode;
}) {
  return (
    <Field label={label} hint={hint}>
      <select
        name={name}
        defaultValue={defaultValue}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        className={INPUT_CLASS}
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function NumberField({
  label,
  name,
  defaultValue,
  min,
  max,
  step = 'any',
  hint,
  placeholder,
  required = true,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  hint?: ReactNode;
  placeholder?: string;
  required?: boolean;
}) {
  return (
    <Field label={label} hint={hint}>
      <input
        name={name}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        required={required}
        defaultValue={defaultValue}
        placeholder={placeholder}
        className={`${INPUT_CLASS} tabular-nums`}
      />
    </Field>
  );
}

/** An amount and a unit (seconds to days), sent as `<prefix>Amount` and `<prefix>Unit`. */
export function DurationField({
  label,
  prefix,
  values,
  hint,
  required = true,
}: {
  label: string;
  prefix: 'window' | 'within' | 'for' | 'repeat';
  values: Values;
  hint?: ReactNode;
  required?: boolean;
}) {
  return (
    <fieldset className="min-w-0">
      <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">{label}</legend>
      <div className="flex gap-2">
        <div className="min-w-0 flex-1">
          <input
            name={`${prefix}Amount`}
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            required={required}
            aria-label={`${label} amount`}
            defaultValue={values[`${prefix}Amount`]}
            className={`${INPUT_CLASS} tabular-nums`}
          />
        </div>
        <div className="w-28 shrink-0">
          <select
            name={`${prefix}Unit`}
            aria-label={`${label} unit`}
            defaultValue={values[`${prefix}Unit`] ?? 'm'}
            className={INPUT_CLASS}
          >
            {DURATION_UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {UNIT_LABELS[unit]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {hint ? <p className="mt-1 text-xs text-zinc-500">{hint}</p> : null}
    </fieldset>
  );
}

export function TextField({
  label,
  name,
  defaultValue,
  hint,
  placeholder,
  required = false,
  maxLength,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  hint?: ReactNode;
  placeholder?: string;
  required?: boolean;
  maxLength?: number;
}) {
  return (
    <Field label={label} hint={hint}>
      <input
        name={name}
        required={required}
        maxLength={maxLength}
        defaultValue={defaultValue}
        placeholder={placeholder}
        className={INPUT_CLASS}
      />
    </Field>
  );
}
