'use client';

import { useActionState, useState } from 'react';
import { createSilenceAction } from '@/app/(dashboard)/alerts/actions';
import { Button, echoedText, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';
import type { RuleOption } from '@/lib/alerts/view/queries';
import { SILENCE_DURATIONS, SILENCE_REASON_MAX, type SilenceDuration } from '@/lib/alerts/view/constants';

const LABELS: Record<SilenceDuration, string> = { '1h': '1 h', '4h': '4 h', '24h': '24 h', custom: 'Until…' };

type Props = {
  projectId: string;
  /** A fixed alert (rule + group), or `rules` to pick from (any rule, any group). */
  target?: { ruleId: string; groupKey: string };
  rules?: RuleOption[];
  /** The earliest and latest custom end, as datetime-local values in UTC. */
  minEnd: string;
  maxEnd: string;
};

/** Mutes notifications for 1 h, 4 h, 24 h or until a custom time (UTC), with a reason. Admins only. */
export function FormSilence({ projectId, target, rules, minEnd, maxEnd }: Props) {
  const [state, action, pending] = useActionState(createSilenceAction, null);
  const [duration, setDuration] = useState<SilenceDuration>('1h');
  return (
    <form action={action} aria-label="Create silence" className="space-y-3">
      <input type="hidden" name="projectId" value={projectId} />
      {target ? (
        <>
          <input type="hidden" name="ruleId" value={target.ruleId} />
          <input type="hidden" name="groupKey" value={target.groupKey} />
        </>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Rule">
            <select name="ruleId" defaultValue={echoedText(state, 'ruleId') ?? ''} className={INPUT_CLASS}>
              <option value="">All rules</option>
              {rules?.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.severity} · {r.name}
                  {r.enabled ? '' : ' (disabled)'}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Group (optional)" hint="A model, route, service or dependency; blank = every group.">
            <input
              name="groupKey"
              maxLength={256}
              defaultValue={echoedText(state, 'groupKey')}
              placeholder="every group"
              className={INPUT_CLASS}
            />
          </Field>
        </div>
      )}
      <fieldset>
        <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">Silence for</legend>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          {SILENCE_DURATIONS.map((d) => (
            <label key={d} className="flex items-center gap-1.5 text-sm">
              <input
                type="radio"
                name="duration"
                value={d}
                checked={duration === d}
                onChange={() => setDuration(d)}
                className="size-4 accent-zinc-900 dark:accent-zinc-100"
              />
              {LABELS[d]}
            </label>
          ))}
          {duration === 'custom' ? (
            <label className="flex items-center gap-1.5 text-sm">
              <span className="text-xs text-zinc-500">End (UTC)</span>
              <input
                type="datetime-local"
                name="endsAt"
                required
                min={minEnd}
                max={maxEnd}
                defaultValue={echoedText(state, 'endsAt')}
                className={`${INPUT_CLASS} w-auto`}
              />
            </label>
          ) : null}
        </div>
      </fieldset>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field label="Reason" className="flex-1">
          <input
            name="reason"
            maxLength={SILENCE_REASON_MAX}
            defaultValue={echoedText(state, 'reason')}
            placeholder="planned maintenance, known incident…"
            className={INPUT_CLASS}
          />
        </Field>
        <Button pending={pending}>{pending ? 'Silencing…' : 'Create silence'}</Button>
      </div>
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
