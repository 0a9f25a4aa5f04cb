import type { Metadata } from 'next';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewAi } from '@/components/dashboard/view-ai';
import type { SearchParams } from '@/lib/dashboard/context';
import { loadDashboard } from '@/lib/dashboard/load';
import { getAi } from '@/lib/metrics/queries';

export const metadata: Metadata = { title: 'AI Performance' };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const page = await loadDashboard(await searchParams, getAi);
  if (!page.project) return <NoProject />;
  const { ctx, data, options, hasData, thresholds } = page;
  return (
    <FrameDashboard title="AI Performance" description={`${page.project.name}: model latency, errors, tokens, cost, caches, retrieval and response quality.`} ctx={ctx} options={options}>
      {hasData ? (
        <LiveProvider>
          <ViewAi initialData={data} query={ctx.query} thresholds={thresholds} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Model calls, tokens and cost" />
      )}
    </FrameDashboard>
  );
}
