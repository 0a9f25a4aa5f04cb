import Link from 'next/link';
import { CardPanel } from '@/components/dashboard/card-panel';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import type { ProjectAccess } from '@/lib/projects/queries';
import { FormCreateProject } from './form-create-project';
import { AdminNote } from '@/components/ui/form-parts';
import { TimeUtc } from '@/components/ui/time-utc';

export function SectionProjects({
  projects,
  selectedId,
  canCreate,
  orgId,
}: {
  projects: ProjectAccess[];
  selectedId: string | null;
  canCreate: boolean;
  /** The session's active Clerk organization: a new project joins it. */
  orgId: string | null;
}) {
  const columns: Column<ProjectAccess>[] = [
    {
      key: 'name',
      label: 'Name',
      render: (p) =>
        p.id === selectedId ? (
          <span className="font-medium">
            {p.name}{' '}
            <span className="ml-1 rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">
              selected
            </span>
          </span>
        ) : (
          <Link
            href={`/settings?project=${p.slug}`}
            className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          >
            {p.name}
          </Link>
        ),
    },
    { key: 'slug', label: 'Slug', render: (p) => <code className="font-mono text-xs">{p.slug}</code> },
    {
      key: 'owner',
      label: 'Visible to',
      render: (p) =>
        p.orgId ? (
          <span title={p.orgId}>
            organization <code className="font-mono text-xs">{p.orgId}</code>
          </span>
        ) : (
          'installation admins and viewers'
        ),
    },
    { key: 'role', label: 'Your role', render: (p) => p.role },
    { key: 'created', label: 'Created (UTC)', align: 'right', render: (p) => <TimeUtc date={p.createdAt} /> },
  ];
  return (
    <CardPanel
      title="Projects"
      subtitle="Each project has its own events, API keys, prices and audit log. Pick one to manage it below."
    >
      <TableSimple rows={projects} columns={columns} empty="No projects yet." rowKey={(p) => p.id} />
      <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
        {canCreate ? (
          <>
            <p className="mb-3 text-xs text-zinc-500 dark:text-zinc-400">
              {orgId
                ? `A new project belongs to your active organization (${orgId}): its members see it.`
                : 'A new project belongs to no organization: only installation admins and viewers see it.'}
            </p>
            <FormCreateProject />
          </>
        ) : (
          <AdminNote>Ask an admin to create a project.</AdminNote>
        )}
      </div>
    </CardPanel>
  );
}
