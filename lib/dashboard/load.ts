import 'server-only';
import { listRules } from '@/lib/alerts/rules/queries';
import { getFilterOptions } from '@/lib/metrics/queries';
import type { Filters, TimeRange } from '@/lib/metrics/range';
import type { FilterOptions, Scope } from '@/lib/metrics/types';
import type { ProjectSummary } from '@/lib/projects/queries';
import { loadDashboardContext, type DashboardContext, type SearchParams } from './context';
import { hasEvents } from './queries';
import { thresholdsFromRules, type ChartThresholds } from './thresholds';

export type LoadedDashboard<T> =
  | { project: null }
  | {
      project: ProjectSummary;
      ctx: DashboardContext;
      data: T;
      options: FilterOptions;
      hasData: boolean;
      thresholds: ChartThresholds;
    };

/** What every dashboard page loads: context from the URL, figures, filter options, emptiness, alert thresholds. */
export async function loadDashboard<T>(
  searchParams: SearchParams,
  figures: (scope: Scope, range: TimeRange, filters: Filters) => Promise<T>,
): Promise<LoadedDashboard<T>> {
  const ctx = await loadDashboardContext(searchParams);
  if (!ctx.project) return { project: null };
  const scope = { projectId: ctx.project.id };
  const [data, options, hasData, rules] = await Promise.all([
    figures(scope, ctx.range, ctx.filters),
    getFilterOptions(scope),
    hasEvents(scope.projectId, ctx.range.from, ctx.range.to),
    listRules(scope.projectId, { enabledOnly: true }),
  ]);
  return { project: ctx.project, ctx, data, options, hasData, thresholds: thresholdsFromRules(rules) };
}
