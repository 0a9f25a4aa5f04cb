import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminNote } from '@/components/ui/form-parts';
import { FormChannel } from '@/components/alerts/channels/form-channel';
import { Notice } from '@/components/alerts/rules/page-parts';
import { isUuid } from '@/lib/http/query-params';
import { TabsAlerts } from '@/components/alerts/tabs-alerts';
import { CardPanel } from '@/components/dashboard/card-panel';
import { NoProject } from '@/components/dashboard/frame-dashboard';
import { PageHeader } from '@/components/dashboard/live-stats';
import { getChannel } from '@/lib/alerts/channels/queries';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';

export const metadata: Metadata = { title: 'Edit channel' };

type Props = { params: Promise<{ channelId: string }>; searchParams: Promise<SearchParams> };

export default async function EditChannelPage({ params, searchParams }: Props) {
  const [{ channelId }, query] = await Promise.all([params, searchParams]);
  const ctx = await loadDashboardContext(query);
  const project = ctx.project;
  const channel = project && isUuid(channelId) ? await getChannel(project.id, channelId) : null;
  const back = `/alerts/channels${project ? `?project=${encodeURIComponent(project.slug)}` : ''}`;

  return (
    <div className="space-y-6">
      <TabsAlerts />
      <PageHeader
        title={channel ? `Edit “${channel.name}”` : 'Edit channel'}
        description={channel ? `Sends to ${channel.view.target}.` : 'Channel not found.'}
      >
        <Link
          href={back}
          className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          ← All channels
        </Link>
      </PageHeader>
      {ctx.problem ? <Notice tone="warning">{ctx.problem}</Notice> : null}
      {!project ? (
        <NoProject />
      ) : !channel ? (
        <Notice tone="warning">{project.name} has no such channel; it may have been deleted.</Notice>
      ) : ctx.isAdmin ? (
        <CardPanel
          title="Channel"
          subtitle="Secret fields start blank: leave them blank to keep what is stored. Saving writes the change to the audit log."
        >
          <FormChannel mode="edit" projectId={project.id} channel={channel} cancelHref={back} />
        </CardPanel>
      ) : (
        <AdminNote>Only admins can edit channels; ask an admin to change this one.</AdminNote>
      )}
    </div>
  );
}
