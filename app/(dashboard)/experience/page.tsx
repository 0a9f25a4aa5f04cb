import type { Metadata } from 'next';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewExperience } from '@/components/dashboard/view-experience';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { hasEvents } from '@/lib/dashboard/queries';
import { getExperience, getFilterOptions } from '@/lib/metrics/queries';
export const metadata: Metadata = { title: 'User Experience' };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await loadDashboardContext(await searchParams);
  if (!ctx.project) return <NoProject />;
  const scope = { projectId: ctx.project.id };
  const [data, options, any] = await Promise.all([
    getExperience(scope, ctx.range, ctx.filters),
    getFilterOptions(scope),
    hasEvents(scope.projectId, ctx.range.from, ctx.range.to),
  ]);
  return (
    <FrameDashboard title="User Experience" description={`${ctx.project.name}: how users experience the chat: latency, errors, activity, satisfaction, web vitals.`} ctx={ctx} options={options}>
      {any ? (
        <LiveProvider>
          <ViewExperience initialData={data} query={ctx.query} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Response times, users, sessions and ratings" />
      )}
    </FrameDashboard>
  );
}
