import 'server-only';
import { AppError } from '@/lib/http/errors';
import { firstParam, quote } from '@/lib/http/query-params';
import { parseFilters, parseRange, type Filters, type TimeRange } from '@/lib/metrics/range';
import { auditRefusal, requireViewer } from '@/lib/auth/members';
import type { Viewer } from '@/lib/auth/viewer';
import { listVisibleProjects, type ProjectAccess } from '@/lib/projects/queries';

export type SearchParams = Record<string, string | string[] | undefined>;

export type DashboardContext = {
  viewer: Viewer;
  /** The project of the URL (or the viewer's first), with the viewer's role there; null when none is visible. */
  project: ProjectAccess | null;
  /** Whether the viewer administers the chosen project (shows the admin controls). */
  isAdmin: boolean;
  range: TimeRange;
  filters: Filters;
  /** The params the read API needs to answer the same view (for live refresh and links). */
  query: Record<string, string>;
  /** A message when the URL's range or filters were invalid and defaults were used instead. */
  problem: string | null;
};

/**
 * Resolves the viewer, project, time range and filters of a dashboard URL. Only projects the viewer may see
 * are candidates: one they may not see reads "Unknown project", as one that does not exist (and is audited).
 */
export async function loadDashboardContext(
  searchParams: SearchParams,
  now = new Date(),
): Promise<DashboardContext> {
  const viewer = await requireViewer('open the dashboards');
  const projects = await listVisibleProjects(viewer);
  const slug = firstParam(searchParams.project);
  const project = (slug ? projects.find((p) => p.slug === slug) : projects[0]) ?? null;
  let problem: string | null = null;
  if (slug && !project) {
    problem = `Unknown project ${quote(slug)}.`;
    await auditRefusal(viewer, 'open a project', 'project_not_visible', slug);
  }
  let range: TimeRange;
  let filters: Filters;
  try {
    range = parseRange(
      {
        range: firstParam(searchParams.range),
        from: firstParam(searchParams.from),
        to: firstParam(searchParams.to),
      },
      now,
    );
    filters = parseFilters({
      service: firstParam(searchParams.service),
      environment: firstParam(searchParams.environment),
      model: firstParam(searchParams.model),
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = `${error.message} Showing the last 24 hours instead.`;
    range = parseRange({}, now);
    filters = parseFilters({});
  }
  const query: Record<string, string> = { from: range.from.toISOString(), to: range.to.toISOString() };
  if (project) query.project = project.slug;
  for (const key of ['service', 'environment', 'model'] as const) {
    const value = filters[key];
    if (value) query[key] = value;
  }
  return { viewer, project, isAdmin: project?.role === 'admin', range, filters, query, problem };
}
