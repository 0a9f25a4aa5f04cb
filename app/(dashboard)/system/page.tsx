import type { Metadata } from 'next';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewSystem } from '@/components/dashboard/view-system';
import type { SearchParams } from '@/lib/dashboard/context';
import { loadDashboard } from '@/lib/dashboard/load';
import { getSystem } from '@/lib/metrics/queries';
import { Suspense } from 'react';
import { CardDependencies } from '@/components/dashboard/card-dependencies';
import { CardDependencyHistory } from '@/components/dashboard/card-dependency-history';

export const metadata: Metadata = { title: 'System Status' };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const page = await loadDashboard(await searchParams, getSystem);
  if (!page.project) return <NoProject />;
  const { ctx, data, options, hasData, thresholds } = page;
  return (
    <FrameDashboard title="System Status" description={`${page.project.name}: dependencies, API success and request rates, rate limits, resources and the error log.`} ctx={ctx} options={options}>
      <Suspense fallback={<div className="h-20 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" />}>
        <CardDependencies />
      </Suspense>
      <Suspense fallback={<div className="h-48 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" />}>
        <CardDependencyHistory />
      </Suspense>
      {hasData ? (
        <LiveProvider>
          <ViewSystem initialData={data} query={ctx.query} thresholds={thresholds} logsHref={`/logs?${new URLSearchParams(ctx.query).toString()}`} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Requests, resources and errors" />
      )}
    </FrameDashboard>
  );
}
