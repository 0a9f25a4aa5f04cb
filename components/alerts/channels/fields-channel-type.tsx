'use client';

import { Field, INPUT_CLASS } from '@/components/ui/form-parts';
import type { ChannelKind } from '@/lib/alerts/engine/types';

type Props = {
  type: ChannelKind;
  values: Record<string, string | undefined>;
  /** Editing: secret fields start blank and keep the stored value when left blank. */
  editing: boolean;
  /** What the stored secret points at (a host), shown as a hint while editing. */
  storedTarget?: string;
  hasSecret?: boolean;
};

const keep = (target?: string) =>
  target ? `Stored: ${target}. Leave blank to keep it.` : 'Leave blank to keep it.';

/** The fields of one channel type. Secrets are refilled only from what the user just sent, never from storage. */
export function FieldsChannelType({ type, values, editing, storedTarget, hasSecret }: Props) {
  const secretProps = {
    required: !editing,
    autoComplete: 'off',
    spellCheck: false,
    className: `${INPUT_CLASS} font-mono`,
  };
  switch (type) {
    case 'webhook':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="Webhook URL"
            hint={
              editing ? keep(storedTarget) : 'http:// or https://; receives a JSON POST per notification.'
            }
          >
            <input
              name="url"
              type="url"
              defaultValue={values.url}
              placeholder="https://example.com/hooks/chatwatch"
              {...secretProps}
            />
          </Field>
          <Field
            label="Signing secret (optional)"
            hint={
              editing && hasSecret
                ? 'Set; leave blank to keep it.'
                : 'Adds X-Chatwatch-Signature: sha256=<HMAC of the body>.'
            }
          >
            <input
              name="secret"
              type="password"
              defaultValue={values.secret}
              {...secretProps}
              required={false}
            />
          </Field>
          {editing && hasSecret ? (
            <label className="flex items-center gap-2 text-sm sm:col-span-2">
              <input
                type="checkbox"
                name="clearSecret"
                className="size-4 accent-zinc-900 dark:accent-zinc-100"
              />
              Remove the signing secret
            </label>
          ) : null}
        </div>
      );
    case 'slack':
      return (
        <Field
          label="Slack incoming webhook URL"
          hint={editing ? keep(storedTarget) : 'https://hooks.slack.com/services/…'}
        >
          <input
            name="webhookUrl"
            type="url"
            defaultValue={values.webhookUrl}
            placeholder="https://hooks.slack.com/services/T…/B…/…"
            {...secretProps}
          />
        </Field>
      );
    case 'pagerduty':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="Routing key"
            hint={
              editing
                ? 'Leave blank to keep the stored key.'
                : 'The integration key of an Events API v2 integration.'
            }
          >
            <input name="routingKey" type="password" defaultValue={values.routingKey} {...secretProps} />
          </Field>
          <Field label="Events API URL (optional)" hint="Blank: https://events.pagerduty.com">
            <input
              name="eventsUrl"
              type="url"
              defaultValue={values.eventsUrl}
              placeholder="https://events.eu.pagerduty.com"
              className={INPUT_CLASS}
            />
          </Field>
        </div>
      );
    case 'email':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="SMTP URL"
            hint={
              editing ? keep(storedTarget) : 'smtp://user:password@host:587, or smtps:// for implicit TLS.'
            }
          >
            <input
              name="smtpUrl"
              type="text"
              defaultValue={values.smtpUrl}
              placeholder="smtp://user:password@smtp.example.com:587"
              {...secretProps}
            />
          </Field>
          <Field label="Recipients" hint="Comma-separated email addresses.">
            <input
              name="to"
              type="text"
              required
              defaultValue={values.to}
              placeholder="oncall@example.com, ops@example.com"
              className={INPUT_CLASS}
            />
          </Field>
          <Field label="From (optional)" hint="Default: Chatwatch <alerts@localhost>">
            <input
              name="from"
              type="text"
              defaultValue={values.from}
              placeholder="ChatWatch <alerts@example.com>"
              className={INPUT_CLASS}
            />
          </Field>
        </div>
      );
  }
}
