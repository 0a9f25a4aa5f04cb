import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';

/** Whether the project has any event in the range: pages show their empty state instead of empty charts. */
export async function hasEvents(projectId: string, from: Date, to: Date): Promise<boolean> {
  const db = await getDb();
  const rows = await rawRows<{ found: boolean }>(
    db,
    sql`select exists (select 1 from events where project_id = ${projectId} and ts >= ${from.toISOString()}::timestamptz and ts < ${to.toISOString()}::timestamptz) as found`,
  );
  return Boolean(rows[0]?.found);
}
