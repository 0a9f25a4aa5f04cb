import type { Metadata } from 'next';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewAi } from '@/components/dashboard/view-ai';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { hasEvents } from '@/lib/dashboard/queries';
import { getAi, getFilterOptions } from '@/lib/metrics/queries';
export const metadata: Metadata = { title: 'AI Performance' };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await loadDashboardContext(await searchParams);
  if (!ctx.project) return <NoProject />;
  const scope = { projectId: ctx.project.id };
  const [data, options, any] = await Promise.all([
    getAi(scope, ctx.range, ctx.filters),
    getFilterOptions(scope),
    hasEvents(scope.projectId, ctx.range.from, ctx.range.to),
  ]);
  return (
    <FrameDashboard title="AI Performance" description={`${ctx.project.name}: model latency, errors, tokens, cost, caches, retrieval and response quality.`} ctx={ctx} options={options}>
      {any ? (
        <LiveProvider>
          <ViewAi initialData={data} query={ctx.query} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Model calls, tokens and cost" />
      )}
    </FrameDashboard>
  );
}
