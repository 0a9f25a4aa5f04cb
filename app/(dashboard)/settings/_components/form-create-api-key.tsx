'use client';

import { useActionState, useState } from 'react';
import type { ApiKeyScope } from '@/db/schema';
import { createApiKeyAction } from '../actions';
import { BoxNewKey } from './box-new-key';
import { Button, echoed, echoedText, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';

const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  ingest: 'send events (POST /api/v1/events)',
  read: 'read figures (GET /api/v1/stats/*)',
};

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
  const checked = (scope: ApiKeyScope) => (sent ? [sent.scopes].flat().includes(scope) : scope === 'ingest');

  return (
    <div className="space-y-3">
      {created ? (
        <BoxNewKey name={created.name} secret={created.key} onDismiss={() => setDismissed(created.key)} />
      ) : null}
      <form action={formAction} className="space-y-3" aria-label="Create API key">
        <input type="hidden" name="projectId" value={projectId} />
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
          <Button pending={pending}>{pending ? 'Creating…' : 'Create key'}</Button>
        </div>
        <p className="text-xs text-zinc-500">
          {scopes.map((scope) => `${scope}: ${SCOPE_HINTS[scope]}`).join(' · ')}
        </p>
        <div aria-live="polite">
          <FormMessage state={state} />
        </div>
      </form>
    </div>
  );
}
