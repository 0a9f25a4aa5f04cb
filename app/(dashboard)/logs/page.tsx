import type { Metadata } from 'next';
import Link from 'next/link';
import { FrameDashboard, NoProject } from '@/components/dashboard/frame-dashboard';
import { FormLogFilters } from '@/components/logs/form-log-filters';
import { TableLogs } from '@/components/logs/table-logs';
import { after } from 'next/server';
import { auditLogRead } from '@/lib/audit/data-access';
import { actorOf } from '@/lib/auth/viewer';
import { loadDashboardContext, type SearchParams } from '@/lib/dashboard/context';
import { searchLogs, getFilterOptions } from '@/lib/metrics/queries';
import { parseLogFilters } from './search-params';

export const metadata: Metadata = { title: 'Logs' };
const PAGE_SIZE = 50;

export default async function LogsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const ctx = await loadDashboardContext(params);
  if (!ctx.project) return <NoProject />;
  const filters = parseLogFilters(params);
  const query = {
    from: ctx.range.from,
    to: ctx.range.to,
    levels: filters.levels,
    service: ctx.filters.service,
    event: filters.event,
    userId: filters.userId,
    traceId: filters.traceId,
    text: filters.text,
    cursor: filters.cursor,
  };
  const [page, options] = await Promise.all([
    searchLogs({ projectId: ctx.project.id }, { ...query, limit: PAGE_SIZE }),
    getFilterOptions({ projectId: ctx.project.id }),
  ]);
  const reader = { projectId: ctx.project.id, actor: actorOf(ctx.viewer) };
  after(() => auditLogRead(reader, query, 'page'));
  // The range stays fixed while paging, so "older" pages never shift under new arrivals.
  const hidden: Record<string, string> = {
    from: ctx.query.from!,
    to: ctx.query.to!,
    project: ctx.project.slug,
  };
  if (ctx.filters.service) hidden.service = ctx.filters.service;
  const next = new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
  );
  for (const [k, v] of Object.entries(hidden)) next.set(k, v);
  next.delete('range');
  const newest = new URLSearchParams(next);
  newest.delete('cursor');
  if (page.nextCursor) next.set('cursor', page.nextCursor);
  return (
    <FrameDashboard
      title="Logs"
      description={`${ctx.project.name}: structured logs and errors, newest first.`}
      ctx={ctx}
      options={options}
      showModel={false}
    >
      {filters.problem ? (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          {filters.problem}
        </p>
      ) : null}
      <FormLogFilters hidden={hidden} levels={filters.levels} values={filters} />
      {page.entries.length === 0 ? (
        <p
          className="rounded-lg border border-dashed border-zinc-300 p-10 text-center text-sm text-zinc-500 dark:border-zinc-700"
          data-testid="empty-state"
        >
          No logs or errors match these filters in this range.
        </p>
      ) : (
        <TableLogs entries={page.entries} />
      )}
      <nav className="flex justify-between text-sm" aria-label="Pagination">
        {filters.cursor ? (
          <Link
            className="text-indigo-600 hover:underline dark:text-indigo-400"
            href={`/logs?${newest.toString()}`}
          >
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor && (
          <Link
            className="text-indigo-600 hover:underline dark:text-indigo-400"
            href={`/logs?${next.toString()}`}
          >
            Older →
          </Link>
        )}
      </nav>
    </FrameDashboard>
  );
}
