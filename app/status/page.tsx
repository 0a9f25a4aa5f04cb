import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { listPublicStatusProjects } from '@/lib/status/queries';

export const metadata: Metadata = { title: 'Status' };

/** The projects whose status page is public; with exactly one, straight to it. */
export default async function StatusIndexPage() {
  await connection();
  const projects = await listPublicStatusProjects();
  if (projects.length === 1) redirect(`/status/${encodeURIComponent(projects[0]!.slug)}`);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Status pages</h1>
      {projects.length === 0 ? (
        <p
          data-testid="status-empty"
          className="rounded-lg border border-dashed border-zinc-300 px-4 py-8 text-center text-sm text-zinc-500 dark:border-zinc-700"
        >
          No public status pages yet.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {projects.map((p) => (
            <li key={p.slug}>
              <Link
                href={`/status/${encodeURIComponent(p.slug)}`}
                className="block px-4 py-3 text-sm font-medium text-indigo-600 hover:bg-zinc-50 dark:text-indigo-400 dark:hover:bg-zinc-800/60"
              >
                {p.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
