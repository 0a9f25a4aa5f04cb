'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { slugify } from '@/lib/settings/slug';
import { createProjectAction } from '../actions';
import { Button, echoedText, Field, FormMessage, INPUT_CLASS } from '@/components/ui/form-parts';

export function FormCreateProject() {
  const [state, formAction, pending] = useActionState(createProjectAction, null);
  const [name, setName] = useState('');
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    setName(echoedText(state, 'name') ?? '');
  }

  return (
    <form action={formAction} className="space-y-3" aria-label="Create project">
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <Field label="Name">
          <input
            name="name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Support bot (EU)"
            className={INPUT_CLASS}
          />
        </Field>
        <Field label="Slug (optional)">
          <input
            name="slug"
            maxLength={63}
            defaultValue={echoedText(state, 'slug')}
            placeholder={slugify(name) || 'support-bot-eu'}
            className={`${INPUT_CLASS} font-mono`}
          />
        </Field>
        <Button pending={pending}>{pending ? 'Creating…' : 'Create project'}</Button>
      </div>
      <div aria-live="polite" className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <FormMessage state={state} />
        {state && 'slug' in state ? (
          <Link
            href={`/settings?project=${state.slug}`}
            className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Set up its API keys →
          </Link>
        ) : null}
      </div>
    </form>
  );
}
