import type { Metadata } from 'next';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewExperience } from '@/components/dashboard/view-experience';
import type { SearchParams } from '@/lib/dashboard/context';
import { loadDashboard } from '@/lib/dashboard/load';
import { getExperience } from '@/lib/metrics/queries';

export const metadata: Metadata = { title: 'User Experience' };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const page = await loadDashboard(await searchParams, getExperience);
  if (!page.project) return <NoProject />;
  const { ctx, data, options, hasData, thresholds } = page;
  return (
    <FrameDashboard title="User Experience" description={`${page.project.name}: how users experience the chat: latency, errors, activity, satisfaction, web vitals.`} ctx={ctx} options={options}>
      {hasData ? (
        <LiveProvider>
          <ViewExperience initialData={data} query={ctx.query} thresholds={thresholds} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Response times, users, sessions and ratings" />
      )}
    </FrameDashboard>
  );
}
