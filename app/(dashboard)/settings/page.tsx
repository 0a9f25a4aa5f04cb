import type { Metadata } from 'next';
import { PageHeader } from '@/components/dashboard/live-stats';
import { getViewer } from '@/lib/auth/viewer';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import {
  listApiKeys,
  listAuditLog,
  listModelPrices,
  listProjectRows,
  listUnattributedKeyFailures,
} from '@/lib/settings/queries';
import { SectionApiKeys } from './_components/section-api-keys';
import { SectionAuditLog } from './_components/section-audit-log';
import { SectionModelPrices } from './_components/section-model-prices';
import { SectionProjects } from './_components/section-projects';
import { SectionDailyBudget } from './_components/section-daily-budget';
import { SectionStatusPage } from './_components/section-status-page';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [ctx, viewer, projects] = await Promise.all([
    loadDashboardContext(await searchParams),
    getViewer(),
    listProjectRows(),
  ]);
  const isAdmin = viewer?.isAdmin ?? false;
  const project = ctx.project;
  const [keys, overrides, entries, unattributed] = project
    ? await Promise.all([
        listApiKeys(project.id),
        listModelPrices(project.id),
        listAuditLog(project.id),
        viewer && isAdmin ? listUnattributedKeyFailures(viewer) : null,
      ])
    : [[], [], [], null];

  return (
    <div className="space-y-6">
      <PageHeader
        title="Settings"
        description={
          project
            ? `Projects, and the API keys, model prices and audit log of ${project.name}.`
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
      <SectionProjects projects={projects} selectedId={project?.id ?? null} isAdmin={isAdmin} />
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
          <SectionAuditLog projectName={project.name} entries={entries} unattributed={unattributed} />
        </>
      ) : null}
    </div>
  );
}
