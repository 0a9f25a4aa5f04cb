import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CardDependencies } from '@/components/dashboard/card-dependencies';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewOverview } from '@/components/dashboard/view-overview';
import type { SearchParams } from '@/lib/dashboard/context';
import { loadDashboard } from '@/lib/dashboard/load';
import { getOverview } from '@/lib/metrics/queries';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const page = await loadDashboard(await searchParams, getOverview);
  if (!page.project) return <NoProject />;
  const { ctx, data, options, hasData } = page;
  const qs = new URLSearchParams(ctx.query).toString();
  return (
    <FrameDashboard title="Overview" description={`${page.project.name}: the headline figures, with their change vs the previous period.`} ctx={ctx} options={options}>
      <Suspense fallback={<div className="h-20 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" />}>
        <CardDependencies />
      </Suspense>
      {hasData ? (
        <LiveProvider>
          <ViewOverview initialData={data} query={ctx.query} links={{ experience: `/experience?${qs}`, ai: `/ai?${qs}`, system: `/system?${qs}` }} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Requests, latency, users, AI calls and cost" />
      )}
    </FrameDashboard>
  );
}
