import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminNote } from '@/components/ui/form-parts';
import { BadgeSeverity } from '@/components/alerts/badge-severity';
import { FormRule } from '@/components/alerts/rules/form-rule';
import { Notice } from '@/components/alerts/rules/page-parts';
import { isUuid } from '@/lib/http/query-params';
import { TabsAlerts } from '@/components/alerts/tabs-alerts';
import { CardPanel } from '@/components/dashboard/card-panel';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { PageHeader } from '@/components/dashboard/live-stats';
import { isDefaultKey } from '@/lib/alerts/rules/defaults';
import { getRule } from '@/lib/alerts/rules/queries';
import { ruleFormValues } from '@/lib/alerts/rules/schema';
import { formatFor, summarizeRule } from '@/lib/alerts/rules/summary';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';

export const metadata: Metadata = { title: 'Edit alert rule' };

type Props = { params: Promise<{ ruleId: string }>; searchParams: Promise<SearchParams> };

export default async function EditAlertRulePage({ params, searchParams }: Props) {
  const [{ ruleId }, query] = await Promise.all([params, searchParams]);
  const ctx = await loadDashboardContext(query);
  const project = ctx.project;
  const rule = project && isUuid(ruleId) ? await getRule(project.id, ruleId) : null;
  const back = `/alerts/rules${project ? `?project=${encodeURIComponent(project.slug)}` : ''}`;
  const backLink = (
    <Link href={back} className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
      ← All rules
    </Link>
  );

  return (
    <div className="space-y-6">
      <TabsAlerts />
      <PageHeader
        title={rule ? `Edit “${rule.name}”` : 'Edit alert rule'}
        description={rule ? summarizeRule(rule) : 'Rule not found.'}
      >
        {backLink}
      </PageHeader>
      {ctx.problem ? <Notice tone="warning">{ctx.problem}</Notice> : null}
      {!project ? (
        <NoProject />
      ) : !rule ? (
        <Notice tone="warning">{project.name} has no such rule; it may have been deleted.</Notice>
      ) : ctx.isAdmin ? (
        <CardPanel
          title={isDefaultKey(rule.key) ? 'Default rule' : 'Custom rule'}
          subtitle={`Key ${rule.key}; ${rule.enabled ? 'enabled' : 'disabled'} (switch it in the list). Saving writes the change to the audit log.`}
        >
          <FormRule
            mode="edit"
            projectId={project.id}
            ruleId={rule.id}
            values={ruleFormValues(rule)}
            cancelHref={back}
          />
        </CardPanel>
      ) : (
        <CardPanel title={rule.name} subtitle={rule.description}>
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <BadgeSeverity severity={rule.severity} /> {summarizeRule(rule)}, for {formatFor(rule.forMs)}
          </p>
          <div className="mt-4">
            <AdminNote>Only admins can edit alert rules; ask an admin to change this one.</AdminNote>
          </div>
        </CardPanel>
      )}
    </div>
  );
}
