import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Filters } from '../range';
import { splitByHour } from '../rollup';
import { at, scoped, type Window } from '../sql';
import type { Scope } from '../types';

/**
 * Rows (user_id, session_id, service, first_ts, last_ts, messages) that together cover exactly the events with a
 * user or a session in [from, to): whole hours from event_activity_hourly, the edges from raw events.
 * user_id/session_id are null where absent. Aggregate them with min/max/sum per user or session.
 */
export function activityRows(scope: Scope, window: Window, filters: Filters): SQL {
  const { hours, raw } = splitByHour(window.from, window.to);
  const parts: SQL[] = [];
  if (hours) {
    const dims = [
      sql`project_id = ${scope.projectId}`,
      sql`hour >= ${at(hours.from)}`,
      sql`hour < ${at(hours.to)}`,
    ];
    if (filters.service !== null) dims.push(sql`service = ${filters.service}`);
    if (filters.environment !== null) dims.push(sql`environment = ${filters.environment}`);
    parts.push(sql`
      select nullif(user_id, '') as user_id, nullif(session_id, '') as session_id, service, first_ts, last_ts,
        messages
      from event_activity_hourly where ${sql.join(dims, sql` and `)} and (user_id <> '' or session_id <> '')`);
  }
  for (const edge of raw) {
    parts.push(sql`
      select user_id, session_id, service, min(ts) as first_ts, max(ts) as last_ts,
        count(*) filter (where type = 'message.received') as messages
      from events
      where ${scoped(scope, edge, filters)} and (user_id is not null or session_id is not null)
      group by user_id, session_id, service`);
  }
  if (parts.length === 0) {
    return sql`select null::text as user_id, null::text as session_id, null::text as service, null::timestamptz as first_ts, null::timestamptz as last_ts, 0::bigint as messages where false`;
  }
  return sql.join(parts, sql` union all `);
}
