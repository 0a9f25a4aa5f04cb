import { AdminNote } from '@/components/ui/form-parts';
import { CardPanel } from '@/components/dashboard/card-panel';
import type { AlertsOverview } from '@/lib/alerts/view/queries';
import { FormSilence } from './form-silence';
import { ListActiveAlerts } from './list-active-alerts';
import { TableRecentAlerts } from './table-recent-alerts';
import { TableSilences } from './table-silences';

type Props = AlertsOverview & {
  project: { id: string; slug: string };
  isAdmin: boolean;
  now: Date;
  endBounds: { minEnd: string; maxEnd: string };
};

/** Firing and pending alerts, the last 7 days of transitions, and the silences in force. */
export function ViewAlertsOverview({
  alerts,
  transitions,
  silences,
  rules,
  project,
  isAdmin,
  now,
  endBounds,
}: Props) {
  const enabled = rules.filter((r) => r.enabled).length;
  return (
    <>
      <section aria-labelledby="alerts-active" className="space-y-3">
        <h2 id="alerts-active" className="text-sm font-medium">
          Firing and pending now{' '}
          {alerts.length > 0 ? <span className="text-zinc-500">({alerts.length})</span> : null}
        </h2>
        {alerts.length > 0 ? (
          <ListActiveAlerts
            alerts={alerts}
            project={project}
            isAdmin={isAdmin}
            now={now}
            endBounds={endBounds}
          />
        ) : (
          <div
            className="rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700"
            data-testid="empty-state"
          >
            <p className="font-medium">No alerts firing</p>
            <p className="mx-auto mt-1 max-w-md text-sm text-zinc-500">
              {enabled} enabled rule{enabled === 1 ? ' is' : 's are'} evaluated every minute; a breach shows
              up here, with its value and threshold.
            </p>
          </div>
        )}
      </section>
      <CardPanel
        title="Recent alerts"
        subtitle="Firings, resolutions and pending alerts of the last 7 days, newest first (at most 100)."
      >
        <TableRecentAlerts transitions={transitions} projectSlug={project.slug} />
      </CardPanel>
      <CardPanel
        title="Silences"
        subtitle="A silenced alert still changes state and shows here, but notifies no channel until the silence ends."
      >
        <TableSilences silences={silences} projectId={project.id} isAdmin={isAdmin} now={now} />
        <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          {isAdmin ? (
            <FormSilence projectId={project.id} rules={rules} {...endBounds} />
          ) : (
            <AdminNote>Ask an admin to create or end silences.</AdminNote>
          )}
        </div>
      </CardPanel>
    </>
  );
}
