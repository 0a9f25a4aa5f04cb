import 'server-only';
import { AppError } from '@/lib/http/errors';
import { parseFilters, parseRange, type Filters, type TimeRange } from '@/lib/metrics/range';
import { listProjects, type ProjectSummary } from '@/lib/projects/queries';

export type SearchParams = Record<string, string | string[] | undefined>;

export type DashboardContext = {
  project: ProjectSummary | null;
  range: TimeRange;
  filters: Filters;
  /** The params the read API needs to answer the same view (for live refresh and links). */
  query: Record<string, string>;
  /** A message when the URL's range or filters were invalid and defaults were used instead. */
  problem: string | null;
};

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;

/** Resolves the project, time range and filters of a dashboard URL; every dashboard user may see every project. */
export async function loadDashboardContext(searchParams: SearchParams, now = new Date()): Promise<DashboardContext> {
  const projects = await listProjects();
  const slug = first(searchParams.project);
  const project = (slug ? projects.find((p) => p.slug === slug) : projects[0]) ?? null;
  let problem: string | null = slug && !projects.some((p) => p.slug === slug) ? `Unknown project "${slug}".` : null;
  let range: TimeRange;
  let filters: Filters;
  try {
    range = parseRange({ range: first(searchParams.range), from: first(searchParams.from), to: first(searchParams.to) }, now);
    filters = parseFilters({
      service: first(searchParams.service),
      environment: first(searchParams.environment),
      model: first(searchParams.model),
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
  return { project, range, filters, query, problem };
}
