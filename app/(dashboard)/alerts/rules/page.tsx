import type { Metadata } from 'next';
import { AdminNote } from '@/components/ui/form-parts';
import { ListRules } from '@/components/alerts/rules/list-rules';
import { LinkButton, Notice } from '@/components/alerts/rules/page-parts';
import { firstParam } from '@/lib/http/query-params';
import { TabsAlerts } from '@/components/alerts/tabs-alerts';
import { CardPanel } from '@/components/dashboard/card-panel';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { PageHeader } from '@/components/dashboard/live-stats';
import { listRules } from '@/lib/alerts/rules/queries';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';

export const metadata: Metadata = { title: 'Alert rules' };

export default async function AlertRulesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const ctx = await loadDashboardContext(params);
  const { isAdmin } = ctx;
  const project = ctx.project;
  const rules = project ? await listRules(project.id) : [];
  const saved = rules.find((r) => r.id === firstParam(params.saved));

  return (
    <div className="space-y-6">
      <TabsAlerts />
      <PageHeader
        title="Alert rules"
        description={
          project
            ? `What the cron checks every minute for ${project.name}, and how urgent each alert is. Disabled rules are not evaluated.`
            : 'The alert rules of a project.'
        }
      >
        {isAdmin && project ? (
          <LinkButton href={`/alerts/rules/new?project=${encodeURIComponent(project.slug)}`}>
            Add rule
          </LinkButton>
        ) : null}
      </PageHeader>
      {ctx.problem ? <Notice tone="warning">{ctx.problem}</Notice> : null}
      {saved ? (
        <Notice tone="success">
          Saved “{saved.name}”: {saved.enabled ? 'enabled' : 'disabled'}.
        </Notice>
      ) : null}
      {!project ? (
        <NoProject />
      ) : (
        <CardPanel
          title={`Rules (${rules.length})`}
          subtitle="Default rules can be edited, disabled or reset to default; custom rules can be deleted. Every change is in the audit log under Settings."
        >
          <ListRules
            projectId={project.id}
            projectSlug={project.slug}
            rules={rules}
            isAdmin={isAdmin}
            savedId={saved?.id ?? null}
          />
          {isAdmin ? null : (
            <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              <AdminNote>
                Only admins can change alert rules; ask an admin to add, edit or disable one.
              </AdminNote>
            </div>
          )}
        </CardPanel>
      )}
    </div>
  );
}
