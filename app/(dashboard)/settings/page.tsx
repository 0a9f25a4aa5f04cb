import type { Metadata } from 'next';
import { PageHeader } from '@/components/dashboard/live-stats';
import { mayCreateProjects } from '@/lib/auth/access';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { listVisibleProjects } from '@/lib/projects/queries';
import { listApiKeys, listModelPrices } from '@/lib/settings/queries';
import { SectionApiKeys } from './_components/section-api-keys';
import { SectionAuditLink } from './_components/section-audit-log';
import { SectionModelPrices } from './_components/section-model-prices';
import { SectionProjects } from './_components/section-projects';
import { SectionDailyBudget } from './_components/section-daily-budget';
import { SectionStatusPage } from './_components/section-status-page';
import { SectionStorage } from './_components/section-storage';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await loadDashboardContext(await searchParams);
  const { project, isAdmin, viewer } = ctx;
  const [projects, keys, overrides] = await Promise.all([
    listVisibleProjects(viewer),
    project ? listApiKeys(project.id) : [],
    project ? listModelPrices(project.id) : [],
  ]);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Settings"
        description={
          project
            ? `Projects, and the API keys, model prices and status page of ${project.name}.`
            : 'Create a project to start sending events.'
        }
      />
      {ctx.problem && (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          {ctx.problem}
        </p>
      )}
      <SectionProjects
        projects={projects}
        selectedId={project?.id ?? null}
        canCreate={mayCreateProjects(viewer)}
        orgId={viewer.installRole === 'admin' ? viewer.activeOrgId : viewer.orgId}
      />
      {project ? (
        <>
          <SectionApiKeys projectId={project.id} projectName={project.name} keys={keys} isAdmin={isAdmin} />
          <SectionModelPrices
            projectId={project.id}
            projectName={project.name}
            overrides={overrides}
            isAdmin={isAdmin}
          />
          <SectionDailyBudget project={project} isAdmin={isAdmin} />
          <SectionStatusPage project={project} isAdmin={isAdmin} />
          <SectionStorage project={project} showInstallation={viewer.installRole === 'admin'} />
          {isAdmin || viewer.installRole === 'admin' ? <SectionAuditLink projectSlug={project.slug} /> : null}
        </>
      ) : null}
    </div>
  );
}
