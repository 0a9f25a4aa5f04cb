'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, useTransition } from 'react';
import { RANGES } from '@/lib/metrics/range';
import type { FilterOptions } from '@/lib/metrics/types';

type Props = { preset: string; from: string; to: string; filters: Record<'service' | 'environment' | 'model', string | null>; options: FilterOptions; showModel?: boolean };

const toLocalInput = (iso: string) => iso.slice(0, 16);

/** Time range and filters, all kept in the URL so a view can be shared. */
export function ToolbarRange({ preset, from, to, filters, options, showModel = true }: Props) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [custom, setCustom] = useState(preset === 'custom');

  const navigate = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete('cursor');
    startTransition(() => router.push(`${pathname}?${next.toString()}`));
  };

  const select = (name: 'service' | 'environment' | 'model', values: string[]) => (
    <label className="flex items-center gap-1 text-xs text-zinc-500">
      <span className="sr-only sm:not-sr-only">{name}</span>
      <select
        aria-label={name}
        value={filters[name] ?? ''}
        onChange={(e) => navigate({ [name]: e.target.value || null })}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <option value="">all</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className={`flex flex-wrap items-center gap-2 ${pending ? 'opacity-60' : ''}`} aria-busy={pending}>
      <div role="group" aria-label="Time range" className="flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700">
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={preset === r}
            onClick={() => {
              setCustom(false);
              navigate({ range: r, from: null, to: null });
            }}
            className={`px-2.5 py-1 text-sm ${preset === r ? 'bg-indigo-600 text-white' : 'bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800'}`}
          >
            {r}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={custom}
          onClick={() => setCustom(true)}
          className={`px-2.5 py-1 text-sm ${custom ? 'bg-indigo-600 text-white' : 'bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800'}`}
        >
          custom
        </button>
      </div>
      {custom && (
        <form
          className="flex items-center gap-1 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            navigate({ range: null, from: `${data.get('from')}:00Z`, to: `${data.get('to')}:00Z` });
          }}
        >
          <input name="from" type="datetime-local" defaultValue={toLocalInput(from)} aria-label="from (UTC)" className="rounded-md border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900" />
          <span className="text-zinc-500">to</span>
          <input name="to" type="datetime-local" defaultValue={toLocalInput(to)} aria-label="to (UTC)" className="rounded-md border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900" />
          <button type="submit" className="rounded-md bg-indigo-600 px-2 py-1 text-white">
            Apply
          </button>
        </form>
      )}
      {select('service', options.services)}
      {options.environments.length > 0 && select('environment', options.environments)}
      {showModel && select('model', options.models)}
    </div>
  );
}
