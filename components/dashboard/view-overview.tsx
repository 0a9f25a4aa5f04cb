'use client';

import type { Overview } from '@/lib/metrics/types';
import { LiveStatus, useLiveStats } from './live-stats';
import { TileStat } from './tile-stat';

type Props = { initialData: Overview; query: Record<string, string>; links: Record<'experience' | 'ai' | 'system', string> };

export function ViewOverview({ initialData, query, links }: Props) {
  const { data, dataUpdatedAt, error, isFetching } = useLiveStats('overview', query, initialData);
  const f = data.figures;
  const t = data.trends;
  return (
    <div className="space-y-6">
      <LiveStatus updatedAt={dataUpdatedAt} error={error} fetching={isFetching} />
      <section aria-labelledby="ux-heading" className="space-y-2">
        <h2 id="ux-heading" className="text-sm font-medium text-zinc-500">User experience</h2>
        <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
          <TileStat label="Requests" value={f.requests} unit="count" trend={t.requests} href={links.system} />
          <TileStat label="Error rate" value={f.errorRate} unit="percent" trend={t.errorRate} goodWhen="down" hint="5xx" href={links.system} />
          <TileStat label="p50 response" value={f.p50ResponseMs} unit="ms" trend={t.p50ResponseMs} goodWhen="down" href={links.experience} />
          <TileStat label="p95 response" value={f.p95ResponseMs} unit="ms" trend={t.p95ResponseMs} goodWhen="down" href={links.experience} />
          <TileStat label="Active users" value={f.activeUsers} unit="count" trend={t.activeUsers} href={links.experience} />
          <TileStat label="Satisfaction" value={f.satisfaction} unit="percent" trend={t.satisfaction} hint="ratings ≥ 4" href={links.experience} />
        </div>
      </section>
      <section aria-labelledby="ai-heading" className="space-y-2">
        <h2 id="ai-heading" className="text-sm font-medium text-zinc-500">AI performance</h2>
        <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
          <TileStat label="AI calls" value={f.aiCalls} unit="count" trend={t.aiCalls} href={links.ai} />
          <TileStat label="AI error rate" value={f.aiErrorRate} unit="percent" trend={t.aiErrorRate} goodWhen="down" href={links.ai} />
          <TileStat label="Tokens in" value={f.tokensIn} unit="tokens" trend={t.tokensIn} href={links.ai} />
          <TileStat label="Tokens out" value={f.tokensOut} unit="tokens" trend={t.tokensOut} href={links.ai} />
          <TileStat label="Cost" value={f.costUsd} unit="usd" trend={t.costUsd} goodWhen="down" href={links.ai} />
          <TileStat label="Cache hit rate" value={f.cacheHitRate} unit="percent" trend={t.cacheHitRate} href={links.ai} />
        </div>
      </section>
      <p className="text-xs text-zinc-500">p99 response: {f.p99ResponseMs === null ? 'no data' : `${Math.round(f.p99ResponseMs)} ms`}</p>
    </div>
  );
}
