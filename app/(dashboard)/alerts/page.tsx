import type { Metadata } from 'next';
import { PanelAlertDetail } from '@/components/alerts/panel-alert-detail';
import { RefreshLive } from '@/components/alerts/refresh-live';
import { TabsAlerts } from '@/components/alerts/tabs-alerts';
import { ViewAlertsOverview } from '@/components/alerts/view-alerts-overview';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { PageHeader } from '@/components/dashboard/live-stats';
import { loadAlertDetailView, loadAlertsOverview } from '@/lib/alerts/view/queries';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { firstParam, isUuid, pageText } from '@/lib/http/query-params';

export const metadata: Metadata = { title: 'Alerts' };

/** A `datetime-local` value in UTC. */
const localUtc = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const BAD_LINK =
  'This alert link names no rule of this project (the rule may have been deleted); showing every alert instead.';

/** `?rule=<id>&group=<key>` (the link notifications carry) shows that alert's detail; otherwise the overview. */
export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const now = new Date();
  const ctx = await loadDashboardContext(params, now);
  const project = ctx.project;
  const ruleParam = firstParam(params.rule);
  const ruleId = ruleParam !== null && isUuid(ruleParam) ? ruleParam : null;
  // A group that is not plain text names no alert: the link is bad, as for an unknown rule.
  const group = params.group === undefined ? '' : pageText(params.group);
  const detail =
    project && ruleId && group !== null ? await loadAlertDetailView(project.id, ruleId, group, now) : null;
  const overview = project && !detail ? await loadAlertsOverview(project.id, now) : null;
  const problem = ctx.problem ?? (ruleParam !== null && !detail ? BAD_LINK : null);
  const shared = {
    isAdmin: ctx.isAdmin,
    now,
    endBounds: {
      minEnd: localUtc(now.getTime() + 60_000),
      maxEnd: localUtc(now.getTime() + 30 * 86_400_000),
    },
  };

  return (
    <div className="space-y-6">
      <TabsAlerts />
      <PageHeader
        title="Alerts"
        description={
          project
            ? `${project.name}: what is firing now, silences and the alert history of the last 7 days.`
            : 'Alerts of a project.'
        }
      >
        <RefreshLive renderedAt={now.toISOString()} />
      </PageHeader>
      {problem ? (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          {problem}
        </p>
      ) : null}
      {!project ? <NoProject /> : null}
      {project && detail ? <PanelAlertDetail project={project} {...detail} {...shared} /> : null}
      {project && overview ? <ViewAlertsOverview project={project} {...overview} {...shared} /> : null}
    </div>
  );
}
