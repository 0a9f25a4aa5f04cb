'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { createChannelAction, updateChannelAction } from '@/app/(dashboard)/alerts/channels/actions';
import { Button, echoed, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';
import { SelectField } from '@/components/alerts/rules/field-parts';
import { DEFAULT_CHANNEL_SEVERITIES } from '@/lib/alerts/engine/routing';
import { CHANNEL_KINDS, SEVERITIES, type ChannelKind } from '@/lib/alerts/engine/types';
import type { AdminChannel } from '@/lib/alerts/channels/queries';
import { FieldsChannelType } from './fields-channel-type';
import { CHANNEL_TYPE_HINTS, CHANNEL_TYPE_LABELS } from './labels';

const CHECKBOX = 'size-4 accent-zinc-900 dark:accent-zinc-100';

type Props =
  | { mode: 'create'; projectId: string }
  | { mode: 'edit'; projectId: string; channel: AdminChannel; cancelHref: string };

/** Adds a channel, or edits one (its type stays; secrets left blank are kept). */
export function FormChannel(props: Props) {
  const [state, formAction, pending] = useActionState(
    props.mode === 'create' ? createChannelAction : updateChannelAction,
    null,
  );
  const stored = props.mode === 'edit' ? props.channel : null;
  const [type, setType] = useState<ChannelKind>(stored?.type ?? 'webhook');
  const [seen, setSeen] = useState(state);
  const [version, setVersion] = useState(0);
  if (state !== seen) {
    setSeen(state);
    setVersion((v) => v + 1);
  }
  const sent = echoed(state);
  const text = (name: string) => {
    const v = sent?.[name];
    return typeof v === 'string' ? v : undefined;
  };
  const values = sent
    ? Object.fromEntries(Object.keys(sent).map((k) => [k, text(k)]))
    : { name: stored?.name, ...(stored?.formValues ?? {}) };
  const severities = sent
    ? [sent.severities ?? []].flat()
    : (stored?.severities ?? DEFAULT_CHANNEL_SEVERITIES[type]);
  const checked = (name: 'sendResolved' | 'enabled') =>
    sent ? sent[name] === 'on' : (stored?.[name] ?? true);

  return (
    <form action={formAction} className="space-y-4" aria-label={stored ? 'Edit channel' : 'Add channel'}>
      <input type="hidden" name="projectId" value={props.projectId} />
      {stored ? <input type="hidden" name="channelId" value={stored.id} /> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        {stored ? (
          <p className="text-sm text-zinc-600 sm:col-span-2 dark:text-zinc-400">
            <input type="hidden" name="type" value={type} />
            <span className="font-medium text-zinc-900 dark:text-zinc-100">
              {CHANNEL_TYPE_LABELS[type]}.
            </span>{' '}
            {CHANNEL_TYPE_HINTS[type]}
          </p>
        ) : (
          <SelectField
            label="Type"
            name="type"
            options={CHANNEL_KINDS.map((k) => [k, CHANNEL_TYPE_LABELS[k]])}
            defaultValue={type}
            onChange={(t) => setType(t as ChannelKind)}
            hint={CHANNEL_TYPE_HINTS[type]}
          />
        )}
        <Field label="Channel name" key={`name-${version}`}>
          <input
            name="name"
            required
            maxLength={100}
            defaultValue={values.name}
            placeholder="On-call webhook"
            className={INPUT_CLASS}
          />
        </Field>
      </div>
      <div key={`${type}-${version}`} className="space-y-4">
        <FieldsChannelType
          type={type}
          values={values}
          editing={Boolean(stored)}
          storedTarget={stored?.view.target}
          hasSecret={stored?.hasSecret}
        />
        <div className="flex flex-wrap items-start gap-x-6 gap-y-3">
          <fieldset>
            <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
              Severities it receives
            </legend>
            <div className="flex flex-wrap gap-x-4 gap-y-1 py-1">
              {SEVERITIES.map((s) => (
                <label key={s} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    name="severities"
                    value={s}
                    defaultChecked={severities.includes(s)}
                    className={CHECKBOX}
                  />
                  {s}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="space-y-1 pt-5">
            <label className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                name="sendResolved"
                defaultChecked={checked('sendResolved')}
                className={CHECKBOX}
              />
              Send resolved notifications
            </label>
            <label className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                name="enabled"
                defaultChecked={checked('enabled')}
                className={CHECKBOX}
              />
              Enabled
            </label>
          </fieldset>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button pending={pending}>{pending ? 'Saving…' : stored ? 'Save channel' : 'Add channel'}</Button>
        {props.mode === 'edit' ? (
          <Link href={props.cancelHref} className="text-sm text-zinc-600 hover:underline dark:text-zinc-400">
            Cancel
          </Link>
        ) : null}
        <div aria-live="polite">
          <FormMessage state={state} />
        </div>
      </div>
    </form>
  );
}
