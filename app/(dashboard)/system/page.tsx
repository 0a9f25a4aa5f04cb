import type { Metadata } from 'next';
import { EmptyRange, FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { LiveProvider } from '@/components/dashboard/live-stats';
import { ViewSystem } from '@/components/dashboard/view-system';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { hasEvents } from '@/lib/dashboard/queries';
import { getSystem, getFilterOptions } from '@/lib/metrics/queries';
import { Suspense } from 'react';
import { CardDependencies } from '@/components/dashboard/card-dependencies';
import { CardDependencyHistory } from '@/components/dashboard/card-dependency-history';

export const metadata: Metadata = { title: 'System Status' };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await loadDashboardContext(await searchParams);
  if (!ctx.project) return <NoProject />;
  const scope = { projectId: ctx.project.id };
  const [data, options, any] = await Promise.all([
    getSystem(scope, ctx.range, ctx.filters),
    getFilterOptions(scope),
    hasEvents(scope.projectId, ctx.range.from, ctx.range.to),
  ]);
  return (
    <FrameDashboard title="System Status" description={`${ctx.project.name}: dependencies, API success and request rates, rate limits, resources and the error log.`} ctx={ctx} options={options}>
      <Suspense fallback={<div className="h-20 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" />}>
        <CardDependencies />
      </Suspense>
      <Suspense fallback={<div className="h-48 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" />}>
        <CardDependencyHistory />
      </Suspense>
      {any ? (
        <LiveProvider>
          <ViewSystem initialData={data} query={ctx.query} logsHref={`/logs?${new URLSearchParams(ctx.query).toString()}`} />
        </LiveProvider>
      ) : (
        <EmptyRange what="Requests, resources and errors" />
      )}
    </FrameDashboard>
  );
}
