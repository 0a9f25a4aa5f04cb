'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { createRuleAction, updateRuleAction } from '@/app/(dashboard)/alerts/rules/actions';
import { Button, echoed, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';
import { RULE_KINDS, type RuleKind } from '@/lib/alerts/engine/types';
import type { RuleFormValues } from '@/lib/alerts/rules/schema';
import { KIND_LABELS } from '@/lib/alerts/rules/constants';
import { DurationField, SelectField, type Values } from './field-parts';
import { FieldsChange, FieldsThreshold } from './fields-metric';
import { FieldsBudget, FieldsConsecutive, FieldsHealth } from './fields-other';
import { CATEGORY_OPTIONS, SEVERITY_OPTIONS } from './options';

const KIND_HINTS: Record<RuleKind, string> = {
  threshold: 'A metric above or below a value over a window.',
  consecutive: 'N failures in a row.',
  change: 'A metric now against a baseline (previous day, last week).',
  budget: "Today's AI spend against a daily budget.",
  health: 'A dependency failing health checks in a row.',
};

type Props =
  | { mode: 'create'; projectId: string; templates: Record<RuleKind, RuleFormValues>; cancelHref: string }
  | { mode: 'edit'; projectId: string; ruleId: string; values: RuleFormValues; cancelHref: string };

/** The rule editor: common fields, then the parameters of the rule's kind in the units people use. */
export function FormRule(props: Props) {
  const [state, formAction, pending] = useActionState(
    props.mode === 'create' ? createRuleAction : updateRuleAction,
    null,
  );
  const [kind, setKind] = useState<RuleKind>(
    props.mode === 'create' ? 'threshold' : (props.values.kind as RuleKind),
  );
  // React resets a form after each action: remount the fields with what was sent so nothing is lost.
  const [seen, setSeen] = useState(state);
  const [version, setVersion] = useState(0);
  if (state !== seen) {
    setSeen(state);
    setVersion((v) => v + 1);
  }
  const sent = echoed(state);
  const base = props.mode === 'create' ? props.templates[kind] : props.values;
  const values: Values = sent && sent.kind === kind ? flat(sent) : base;

  return (
    <form
      action={formAction}
      className="space-y-5"
      aria-label={props.mode === 'create' ? 'Add rule' : 'Edit rule'}
    >
      <input type="hidden" name="projectId" value={props.projectId} />
      {props.mode === 'edit' ? <input type="hidden" name="ruleId" value={props.ruleId} /> : null}
      {props.mode === 'create' ? (
        <SelectField
          label="Kind"
          name="kind"
          options={RULE_KINDS.map((k) => [k, KIND_LABELS[k]])}
          hint={KIND_HINTS[kind]}
          defaultValue={kind}
          onChange={(k) => setKind(k as RuleKind)}
        />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          <input type="hidden" name="kind" value={kind} />
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{KIND_LABELS[kind]} rule.</span>{' '}
          {KIND_HINTS[kind]}
        </p>
      )}
      <div key={`${kind}-${version}`} className="space-y-5">
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Name">
            <input
              name="name"
              required
              maxLength={100}
              defaultValue={values.name}
              placeholder="Checkout error rate"
              className={INPUT_CLASS}
            />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <SelectField
              label="Severity"
              name="severity"
              options={SEVERITY_OPTIONS}
              defaultValue={values.severity}
              hint="P1–P2 page; P3 email and chat; P4 digest."
            />
            <SelectField
              label="Category"
              name="category"
              options={CATEGORY_OPTIONS}
              defaultValue={values.category}
            />
          </div>
          <Field label="Description (optional)" className="sm:col-span-2">
            <textarea
              name="description"
              rows={2}
              maxLength={500}
              defaultValue={values.description}
              className={INPUT_CLASS}
            />
          </Field>
        </div>
        <fieldset className="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <legend className="px-1 text-xs font-medium text-zinc-500">Condition</legend>
          <KindFields kind={kind} values={values} />
        </fieldset>
        <div className="grid max-w-2xl gap-4 sm:grid-cols-2">
          <DurationField
            label="For"
            prefix="for"
            values={values}
            required={false}
            hint="How long the condition must hold before the alert fires; 0 fires on the first breach."
          />
          <DurationField
            label="Repeat every"
            prefix="repeat"
            values={values}
            required={false}
            hint="While it fires unacknowledged, notify again this often (default 4 h); 0 never repeats."
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button pending={pending}>
          {pending ? 'Saving…' : props.mode === 'create' ? 'Add rule' : 'Save rule'}
        </Button>
        <Link href={props.cancelHref} className="text-sm text-zinc-600 hover:underline dark:text-zinc-400">
          Cancel
        </Link>
        <div aria-live="polite">
          <FormMessage state={state} />
        </div>
      </div>
    </form>
  );
}

function KindFields({ kind, values }: { kind: RuleKind; values: Values }) {
  switch (kind) {
    case 'threshold':
      return <FieldsThreshold values={values} />;
    case 'consecutive':
      return <FieldsConsecutive values={values} />;
    case 'change':
      return <FieldsChange values={values} />;
    case 'budget':
      return <FieldsBudget values={values} />;
    case 'health':
      return <FieldsHealth values={values} />;
  }
}

function flat(values: Record<string, string | string[]>): Values {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
