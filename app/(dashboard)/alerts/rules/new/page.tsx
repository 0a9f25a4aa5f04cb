import type { Metadata } from 'next';
import { AdminNote } from '@/components/ui/form-parts';
import { FormRule } from '@/components/alerts/rules/form-rule';
import { Notice } from '@/components/alerts/rules/page-parts';
import { TabsAlerts } from '@/components/alerts/tabs-alerts';
import { CardPanel } from '@/components/dashboard/card-panel';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { PageHeader } from '@/components/dashboard/live-stats';
import { ruleTemplates } from '@/lib/alerts/rules/schema';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';

export const metadata: Metadata = { title: 'Add alert rule' };

export default async function NewAlertRulePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await loadDashboardContext(await searchParams);
  const project = ctx.project;
  const back = `/alerts/rules${project ? `?project=${encodeURIComponent(project.slug)}` : ''}`;
  return (
    <div className="space-y-6">
      <TabsAlerts />
      <PageHeader
        title="Add alert rule"
        description={
          project ? `A custom rule for ${project.name}; it is enabled once added.` : 'A custom alert rule.'
        }
      />
      {ctx.problem ? <Notice tone="warning">{ctx.problem}</Notice> : null}
      {!project ? (
        <NoProject />
      ) : ctx.isAdmin ? (
        <CardPanel title="New rule" subtitle="Pick a kind; its fields start from the matching default rule.">
          <FormRule mode="create" projectId={project.id} templates={ruleTemplates()} cancelHref={back} />
        </CardPanel>
      ) : (
        <AdminNote>Only admins can add alert rules; ask an admin to add this one.</AdminNote>
      )}
    </div>
  );
}
