import { ratio } from './stats';

export type CostEvent = { userId: string | null; costUsd: number | null };
export type UserCost = { userId: string; costUsd: number; requests: number; costPerRequest: number | null };

/** Spend per user, most expensive first; calls without a user or a cost are left out. */
export function costPerUser(calls: readonly CostEvent[], limit = 10): UserCost[] {
  const users = new Map<string, { costUsd: number; requests: number }>();
  for (const call of calls) {
    if (call.userId === null || call.costUsd === null) continue;
    const u = users.get(call.userId) ?? { costUsd: 0, requests: 0 };
    u.costUsd += call.costUsd;
    u.requests += 1;
    users.set(call.userId, u);
  }
  return [...users]
    .map(([userId, u]) => ({ userId, ...u, costPerRequest: ratio(u.costUsd, u.requests) }))
    .sort((a, b) => b.costUsd - a.costUsd || (a.userId < b.userId ? -1 : 1))
    .slice(0, limit);
}

/** Average cost of a request: total spend over the number of calls; null without calls or without known cost. */
export function costPerRequest(totalUsd: number | null, requests: number): number | null {
  return ratio(totalUsd, requests);
}
