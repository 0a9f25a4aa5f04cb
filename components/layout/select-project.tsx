'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import type { ProjectSummary } from '@/lib/projects/queries';
import { Icon } from './icons';

/** Picks the project through `?project=slug`, keeping every other parameter of the current view. */
export function SelectProject({ projects }: { projects: ProjectSummary[] | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  if (projects === null) {
    return <p className="px-1 text-xs text-amber-700 dark:text-amber-400">Projects unavailable: the database is unreachable.</p>;
  }
  if (projects.length === 0) {
    return <p className="px-1 text-xs text-zinc-500">No project yet.</p>;
  }
  const current = searchParams.get('project') ?? projects[0]?.slug ?? '';

  function choose(slug: string) {
    const next = new URLSearchParams(searchParams.toString());
    next.set('project', slug);
    startTransition(() => router.push(`${pathname}?${next.toString()}`));
  }

  return (
    <label className="block">
      <span className="mb-1 block px-1 text-[11px] font-semibold uppercase tracking-wider text-zinc-500">Project</span>
      <span className="relative block">
        <select
          aria-label="Project"
          value={current}
          disabled={pending}
          onChange={(event) => choose(event.target.value)}
          className="w-full appearance-none rounded-md border border-zinc-300 bg-white py-1.5 pr-8 pl-2.5 text-sm font-medium text-zinc-900 shadow-xs focus:border-zinc-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-zinc-400 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          {projects.map((project) => (
            <option key={project.id} value={project.slug}>
              {project.name}
            </option>
          ))}
        </select>
        <Icon name="chevron" className="pointer-events-none absolute top-1/2 right-2 size-4 -translate-y-1/2 text-zinc-500" />
      </span>
    </label>
  );
}
