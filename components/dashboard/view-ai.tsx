'use client';

import { ChartBar } from '@/components/charts/chart-bar';
import { ChartTimeSeries } from '@/components/charts/chart-time-series';
import { pivotSeries } from '@/components/charts/pivot';
import type { ChartThresholds } from '@/lib/dashboard/thresholds';
import { formatValue } from '@/lib/format';
import type { Ai, ModelStat } from '@/lib/metrics/types';
import { CardPanel } from './card-panel';
import { LiveStatus, useLiveStats } from './live-stats';
import { TableSimple, type Column } from './table-simple';
import { TileStat } from './tile-stat';

const modelColumns: Column<ModelStat>[] = [
  { key: 'model', label: 'Model', render: (m) => <code className="text-xs">{m.model}</code> },
  { key: 'calls', label: 'Calls', align: 'right', render: (m) => formatValue(m.calls, 'count') },
  { key: 'p50', label: 'p50', align: 'right', render: (m) => formatValue(m.durationMs.p50, 'ms') },
  { key: 'p95', label: 'p95', align: 'right', render: (m) => formatValue(m.durationMs.p95, 'ms') },
  { key: 'p99', label: 'p99', align: 'right', render: (m) => formatValue(m.durationMs.p99, 'ms') },
  { key: 'ttft', label: 'TTFT p50', align: 'right', render: (m) => formatValue(m.ttftMs.p50, 'ms') },
  { key: 'err', label: 'Errors', align: 'right', render: (m) => formatValue(m.errorRate, 'percent') },
  { key: 'in', label: 'Tokens in', align: 'right', render: (m) => formatValue(m.tokensIn, 'tokens') },
  { key: 'out', label: 'Tokens out', align: 'right', render: (m) => formatValue(m.tokensOut, 'tokens') },
  { key: 'cache', label: 'Cache read', align: 'right', render: (m) => formatValue(m.cacheReadTokens, 'tokens') },
  { key: 'cost', label: 'Cost', align: 'right', render: (m) => formatValue(m.costUsd, 'usd') },
  { key: 'cpr', label: 'Cost / call', align: 'right', render: (m) => formatValue(m.costPerRequest, 'usd') },
];

export function ViewAi({ initialData, query, thresholds }: { initialData: Ai; query: Record<string, string>; thresholds: ChartThresholds }) {
  const { data: d, dataUpdatedAt, error, isFetching } = useLiveStats('ai', query, initialData);
  const series = d.series.map((s) => ({ key: s.model, points: s.points }));
  const models = d.series.map((s) => ({ key: s.model, label: s.model }));
  return (
    <div className="space-y-6">
      <LiveStatus updatedAt={dataUpdatedAt} error={error} fetching={isFetching} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-6">
        <TileStat label="AI calls" value={d.totals.calls || null} unit="count" />
        <TileStat label="AI error rate" value={d.totals.errorRate} unit="percent" />
        <TileStat label="Cost" value={d.totals.costUsd} unit="usd" />
        <TileStat label="Cost / request" value={d.totals.costPerRequest} unit="usd" />
        <TileStat label="Cost / user" value={d.totals.costPerUser} unit="usd" hint={`${d.totals.users} users`} />
        <TileStat label="LLM cache hit rate" value={d.cache.llm.hitRate} unit="percent" hint={`${d.cache.llm.lookups} lookups`} />
        <TileStat label="KV cache hit rate" value={d.cache.kv.hitRate} unit="percent" hint={`${d.cache.kv.lookups} lookups`} />
        <TileStat label="Retrieval p50" value={d.retrieval.durationMs.p50} unit="ms" />
        <TileStat label="Retrieval p95" value={d.retrieval.durationMs.p95} unit="ms" />
        <TileStat label="Results / retrieval" value={d.retrieval.avgResults} unit="count" />
      </div>
      <CardPanel title="Models" subtitle="latency and TTFT of successful calls; tokens and cost of all calls">
        <TableSimple rows={d.models} columns={modelColumns} empty="No ai.call events in this range." rowKey={(m) => m.model} />
      </CardPanel>
      <div className="grid gap-4 lg:grid-cols-2">
        <CardPanel title="Request rate by model" subtitle="calls per minute">
          <ChartTimeSeries data={pivotSeries(series, (p) => p.callsPerMinute)} series={models} unit="rate" bucketMs={d.bucketMs} />
        </CardPanel>
        <CardPanel title="p95 latency by model">
          <ChartTimeSeries data={pivotSeries(series, (p) => p.p95Ms)} series={models} unit="ms" bucketMs={d.bucketMs} threshold={thresholds.aiP95LatencyMs} />
        </CardPanel>
        <CardPanel title="Output tokens by model">
          <ChartTimeSeries data={pivotSeries(series, (p) => p.tokensOut)} series={models} unit="tokens" bucketMs={d.bucketMs} />
        </CardPanel>
        <CardPanel title="Input tokens by model">
          <ChartTimeSeries data={pivotSeries(series, (p) => p.tokensIn)} series={models} unit="tokens" bucketMs={d.bucketMs} />
        </CardPanel>
        <CardPanel title="Cost per day" subtitle="UTC days">
          <ChartBar data={d.costPerDay.map((p) => ({ day: p.t.slice(5, 10), costUsd: p.costUsd }))} categoryKey="day" valueKey="costUsd" valueLabel="cost" unit="usd" />
        </CardPanel>
        <CardPanel title="Most expensive users">
          <TableSimple
            rows={d.costPerUser}
            rowKey={(u) => u.userId}
            empty="No priced calls with a userId in this range."
            columns={[
              { key: 'user', label: 'User', render: (u) => <code className="text-xs">{u.userId}</code> },
              { key: 'req', label: 'Calls', align: 'right', render: (u) => formatValue(u.requests, 'count') },
              { key: 'cost', label: 'Cost', align: 'right', render: (u) => formatValue(u.costUsd, 'usd') },
              { key: 'cpr', label: 'Cost / call', align: 'right', render: (u) => formatValue(u.costPerRequest, 'usd') },
            ]}
          />
        </CardPanel>
        <CardPanel title="Temperature" subtitle="calls per temperature">
          <ChartBar data={d.temperature} categoryKey="temperature" valueKey="count" valueLabel="calls" unit="count" />
        </CardPanel>
        <CardPanel title="Context length" subtitle="calls per context size (tokens)">
          <ChartBar data={d.contextLength.map((b) => ({ bin: `${formatValue(b.lo, 'tokens')}–${formatValue(b.hi, 'tokens')}`, count: b.count }))} categoryKey="bin" valueKey="count" valueLabel="calls" unit="count" />
        </CardPanel>
        <CardPanel title="Errors by model and type">
          <TableSimple
            rows={d.errorTypes}
            rowKey={(e) => `${e.model}/${e.errorType}`}
            empty="No failed AI calls in this range."
            columns={[
              { key: 'model', label: 'Model', render: (e) => <code className="text-xs">{e.model}</code> },
              { key: 'type', label: 'Error type', render: (e) => e.errorType },
              { key: 'count', label: 'Count', align: 'right', render: (e) => formatValue(e.count, 'count') },
            ]}
          />
        </CardPanel>
        <CardPanel title="Response quality by model" subtitle={`ratings joined to the model that answered; ${d.quality.unattributed} unattributed`}>
          <TableSimple
            rows={d.quality.byModel}
            rowKey={(q) => q.model}
            empty="No ratings in this range."
            columns={[
              { key: 'model', label: 'Model', render: (q) => <code className="text-xs">{q.model}</code> },
              { key: 'n', label: 'Ratings', align: 'right', render: (q) => formatValue(q.ratings, 'count') },
              { key: 'avg', label: 'Average', align: 'right', render: (q) => formatValue(q.averageScore, 'score') },
              { key: 'sat', label: 'Satisfied', align: 'right', render: (q) => formatValue(q.satisfaction, 'percent') },
            ]}
          />
        </CardPanel>
      </div>
    </div>
  );
}
