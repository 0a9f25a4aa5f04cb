import type { Metadata } from 'next';
import Link from 'next/link';
import { CardPanel } from '@/components/dashboard/card-panel';
import { PageHeader } from '@/components/dashboard/live-stats';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { auditRefusal } from '@/lib/auth/members';
import { listAuditEntries, AUDIT_PAGE_SIZE } from '@/lib/audit/queries';
import { parseAuditFilter } from '@/lib/audit/filter';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { FormAuditFilters } from './_components/form-audit-filters';
import { TableAudit } from './_components/table-audit';

export const metadata: Metadata = { title: 'Audit log' };

/** Project admins see their project's entries; installation admins also the installation's (`scope=installation`). */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const ctx = await loadDashboardContext(params);
  const installation = params.scope === 'installation';
  const { project, viewer } = ctx;
  if (!installation && !project) return <NoProject />;
  const allowed = installation ? viewer.installRole === 'admin' : ctx.isAdmin;
  if (!allowed) {
    await auditRefusal(
      viewer,
      'read the audit log',
      'role',
      installation ? 'installation' : project!.slug,
      project?.id,
    );
    return (
      <div className="space-y-6">
        <PageHeader title="Audit log" description="Who did what, and who was refused." />
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          {`Only admins ${installation ? 'of the installation' : 'of this project'} see the audit log.`}
        </p>
      </div>
    );
  }
  const { filter, problems } = parseAuditFilter(params);
  const rows = await listAuditEntries(installation ? null : project!.id, filter);
  const hidden: Record<string, string> = installation
    ? { scope: 'installation' }
    : { project: project!.slug };
  if (installation && project) hidden.project = project.slug;
  const other = installation
    ? project && ctx.isAdmin
      ? {
          href: `/settings/audit?project=${encodeURIComponent(project.slug)}`,
          label: `Entries of ${project.name}`,
        }
      : null
    : viewer.installRole === 'admin'
      ? {
          href: `/settings/audit?scope=installation${project ? `&project=${encodeURIComponent(project.slug)}` : ''}`,
          label: 'Installation entries (sign-ins, refusals, keys without a project)',
        }
      : null;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Audit log"
        description={
          installation
            ? 'Sign-ins, refused access and refused API keys that name no project, newest first.'
            : `Admin changes, log searches, refused access and refused API keys of ${project!.name}, newest first.`
        }
      />
      {problems.map((problem) => (
        <p
          key={problem}
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          {problem}
        </p>
      ))}
      <CardPanel title="Entries" subtitle={`At most ${AUDIT_PAGE_SIZE}, newest first; times in UTC.`}>
        <FormAuditFilters hidden={hidden} filter={filter} />
        <div className="mt-4">
          <TableAudit rows={rows} />
        </div>
        {other ? (
          <p className="mt-4 text-sm">
            <Link href={other.href} className="text-indigo-600 hover:underline dark:text-indigo-400">
              {other.label}
            </Link>
          </p>
        ) : null}
      </CardPanel>
    </div>
  );
}
