import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';

export type FilterOptions = { services: string[]; environments: string[]; models: string[] };

/** Values seen in the last 30 days, for the filter pickers. */
export async function listFilterOptions(projectId: string): Promise<FilterOptions> {
  const db = await getDb();
  const since = sql`now() - interval '30 days'`;
  const [services, environments, models] = await Promise.all([
    rawRows<{ v: string }>(db, sql`select distinct service as v from events where project_id = ${projectId} and ts > ${since} order by 1 limit 50`),
    rawRows<{ v: string }>(
      db,
      sql`select distinct environment as v from events where project_id = ${projectId} and ts > ${since} and environment is not null order by 1 limit 50`,
    ),
    rawRows<{ v: string }>(
      db,
      sql`select distinct model as v from events where project_id = ${projectId} and type = 'ai.call' and ts > ${since} order by 1 limit 50`,
    ),
  ]);
  return { services: services.map((r) => r.v), environments: environments.map((r) => r.v), models: models.map((r) => r.v) };
}

/** Whether the project has any event in the range: pages show their empty state instead of empty charts. */
export async function hasEvents(projectId: string, from: Date, to: Date): Promise<boolean> {
  const db = await getDb();
  const rows = await rawRows<{ found: boolean }>(
    db,
    sql`select exists (select 1 from events where project_id = ${projectId} and ts >= ${from.toISOString()}::timestamptz and ts < ${to.toISOString()}::timestamptz) as found`,
  );
  return Boolean(rows[0]?.found);
}
