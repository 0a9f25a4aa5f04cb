'use client';

import { useActionState, useState } from 'react';
import type { ApiKeyScope } from '@/db/schema';
import { createApiKeyAction } from '../actions';
import { BoxNewKey } from './box-new-key';
import { Button, echoed, echoedText, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';

const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  ingest: 'send events (POST /api/v1/events, OTLP at /api/otlp)',
  read: 'read figures (GET /api/v1/stats/*)',
};

const KIND_HINTS = {
  server: 'a secret for your servers, sent as "Authorization: Bearer <key>"',
  browser:
    'public, for web pages: page views, web vitals, client errors and feedback only, from the origins listed (comma-separated, such as https://chat.example.com)',
} as const;

export function FormCreateApiKey({
  projectId,
  scopes,
}: {
  projectId: string;
  scopes: readonly ApiKeyScope[];
}) {
  const [state, formAction, pending] = useActionState(createApiKeyAction, null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const created = state && 'key' in state && state.key !== dismissed ? state : null;
  const sent = echoed(state);
  const [kind, setKind] = useState<'server' | 'browser'>(sent?.kind === 'browser' ? 'browser' : 'server');
  const checked = (scope: ApiKeyScope) => (sent ? [sent.scopes].flat().includes(scope) : scope === 'ingest');

  return (
    <div className="space-y-3">
      {created ? (
        <BoxNewKey
          name={created.name}
          secret={created.key}
          browser={created.kind === 'browser'}
          onDismiss={() => setDismissed(created.key)}
        />
      ) : null}
      <form action={formAction} className="space-y-3" aria-label="Create API key">
        <input type="hidden" name="projectId" value={projectId} />
        <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <legend className="sr-only">Kind of key</legend>
          {(['server', 'browser'] as const).map((k) => (
            <label key={k} className="flex items-center gap-1.5" title={KIND_HINTS[k]}>
              <input
                type="radio"
                name="kind"
                value={k}
                defaultChecked={kind === k}
                onChange={() => setKind(k)}
                className="size-4 accent-zinc-900 dark:accent-zinc-100"
              />
              {k === 'server' ? 'Server key' : 'Browser key'}
            </label>
          ))}
        </fieldset>
        <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_auto_auto] sm:items-end">
          <Field label="Key name">
            <input
              name="name"
              required
              maxLength={100}
              defaultValue={echoedText(state, 'name')}
              placeholder="production ingest"
              className={INPUT_CLASS}
            />
          </Field>
          {kind === 'server' ? (
            <fieldset className="min-w-0">
              <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">Scopes</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1 py-1.5">
                {scopes.map((scope) => (
                  <label key={scope} className="flex items-center gap-1.5 text-sm" title={SCOPE_HINTS[scope]}>
                    <input
                      type="checkbox"
                      name="scopes"
                      value={scope}
                      defaultChecked={checked(scope)}
                      className="size-4 accent-zinc-900 dark:accent-zinc-100"
                    />
                    {scope}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : (
            <Field label="Allowed origins">
              <input
                name="allowedOrigins"
                required
                maxLength={4000}
                defaultValue={echoedText(state, 'allowedOrigins')}
                placeholder="https://chat.example.com"
                className={INPUT_CLASS}
              />
            </Field>
          )}
          <Button pending={pending}>{pending ? 'Creating…' : 'Create key'}</Button>
        </div>
        <p className="text-xs text-zinc-500">
          {kind === 'server'
            ? scopes.map((scope) => `${scope}: ${SCOPE_HINTS[scope]}`).join(' · ')
            : KIND_HINTS.browser}
        </p>
        <div aria-live="polite">
          <FormMessage state={state} />
        </div>
      </form>
    </div>
  );
}
