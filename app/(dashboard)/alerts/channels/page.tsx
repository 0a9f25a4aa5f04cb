import type { Metadata } from 'next';
import { AdminNote } from '@/components/ui/form-parts';
import { FormChannel } from '@/components/alerts/channels/form-channel';
import { ListChannels } from '@/components/alerts/channels/list-channels';
import { Notice } from '@/components/alerts/rules/page-parts';
import { firstParam } from '@/lib/http/query-params';
import { TabsAlerts } from '@/components/alerts/tabs-alerts';
import { CardPanel } from '@/components/dashboard/card-panel';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { PageHeader } from '@/components/dashboard/live-stats';
import { listChannels, listEnvChannels } from '@/lib/alerts/channels/queries';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';

export const metadata: Metadata = { title: 'Notification channels' };

export default async function AlertChannelsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const ctx = await loadDashboardContext(params);
  const { isAdmin } = ctx;
  const project = ctx.project;
  const channels = project ? await listChannels(project.id) : [];
  // They serve every project of the installation: their hosts and recipients are for installation admins.
  const envChannels = ctx.viewer.installRole === 'admin' ? listEnvChannels() : null;
  const saved = channels.find((c) => c.id === firstParam(params.saved));

  return (
    <div className="space-y-6">
      <TabsAlerts />
      <PageHeader
        title="Notification channels"
        description={
          project
            ? `Where alerts of ${project.name} are sent, by severity. By default P1–P3 go to webhooks, Slack and email, P1–P2 to PagerDuty; P4 stays on the dashboard and in the daily digest.`
            : 'Where alerts are sent.'
        }
      />
      {ctx.problem ? <Notice tone="warning">{ctx.problem}</Notice> : null}
      {saved ? <Notice tone="success">Saved channel “{saved.name}”.</Notice> : null}
      {!project ? (
        <NoProject />
      ) : (
        <>
          <CardPanel
            title="Project channels"
            subtitle={`Configured here for ${project.name}. Secrets are never shown again: only the receiving host, the end of a routing key and email recipients.`}
          >
            <ListChannels
              projectId={project.id}
              projectSlug={project.slug}
              channels={channels}
              isAdmin={isAdmin}
              savedId={saved?.id ?? null}
              empty="No channels yet: alerts go only to the channels from the environment below."
            />
            <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              {isAdmin ? (
                <>
                  <h3 className="mb-3 text-sm font-medium">Add a channel</h3>
                  <FormChannel mode="create" projectId={project.id} />
                </>
              ) : (
                <AdminNote>Only admins can add, change or test channels; ask an admin.</AdminNote>
              )}
            </div>
          </CardPanel>
          <CardPanel
            title="From the environment"
            subtitle="Set by ALERT_WEBHOOK_URL, SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY or SMTP_URL with ALERT_EMAIL_TO; they serve every project and change only with the deployment."
          >
            {envChannels ? (
              <ListChannels
                projectId={project.id}
                projectSlug={project.slug}
                channels={envChannels}
                isAdmin={isAdmin}
                empty="No channels are configured in the environment."
              />
            ) : (
              <AdminNote>Only installation admins see the channels set in the environment.</AdminNote>
            )}
          </CardPanel>
        </>
      )}
    </div>
  );
}
