'use client';

import { ChartBar } from '@/components/charts/chart-bar';
import { ChartTimeSeries } from '@/components/charts/chart-time-series';
import type { ChartThresholds } from '@/lib/dashboard/thresholds';
import { formatValue } from '@/lib/format';
import type { Experience, RouteStat, WebVitalsP75 } from '@/lib/metrics/types';
import { CardPanel } from './card-panel';
import { LiveStatus, useLiveStats } from './live-stats';
import { TableSimple, type Column } from './table-simple';
import { TileStat } from './tile-stat';

const routeColumns: Column<RouteStat>[] = [
  { key: 'route', label: 'Route', render: (r) => <code className="text-xs">{r.route}</code> },
  { key: 'requests', label: 'Requests', align: 'right', render: (r) => formatValue(r.requests, 'count') },
  { key: 'err', label: '5xx rate', align: 'right', render: (r) => formatValue(r.errorRate, 'percent') },
  { key: 'p95', label: 'p95', align: 'right', render: (r) => formatValue(r.p95Ms, 'ms') },
];

const vitalColumns: Column<{ path: string } & WebVitalsP75>[] = [
  { key: 'path', label: 'Page', render: (r) => <code className="text-xs">{r.path}</code> },
  { key: 'lcp', label: 'LCP p75', align: 'right', render: (r) => formatValue(r.lcp, 'ms') },
  { key: 'inp', label: 'INP p75', align: 'right', render: (r) => formatValue(r.inp, 'ms') },
  { key: 'cls', label: 'CLS p75', align: 'right', render: (r) => formatValue(r.cls, 'ratio') },
  { key: 'samples', label: 'Samples', align: 'right', render: (r) => formatValue(r.samples, 'count') },
];

export function ViewExperience({
  initialData,
  query,
  thresholds,
}: {
  initialData: Experience;
  query: Record<string, string>;
  thresholds: ChartThresholds;
}) {
  const { data, dataUpdatedAt, error, isFetching } = useLiveStats('experience', query, initialData);
  const d = data;
  return (
    <div className="space-y-6">
      <LiveStatus updatedAt={dataUpdatedAt} error={error} fetching={isFetching} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-6">
        <TileStat label="p50 response" value={d.response.durationMs.p50} unit="ms" />
        <TileStat label="p95 response" value={d.response.durationMs.p95} unit="ms" />
        <TileStat label="p99 response" value={d.response.durationMs.p99} unit="ms" />
        <TileStat
          label="Time to first response"
          value={d.response.firstResponseP95Ms}
          unit="ms"
          hint="p95: first token if streamed, else duration"
        />
        <TileStat label="Time to first token" value={d.response.ttftMs.p50} unit="ms" hint="p50" />
        <TileStat
          label="Streaming latency"
          value={d.streaming.ttftMs.p50}
          unit="ms"
          hint="p50 TTFT, streamed"
        />
        <TileStat
          label="Streaming duration"
          value={d.streaming.durationP95Ms}
          unit="ms"
          hint="p95, whole stream"
        />
        <TileStat label="Error rate" value={d.errors.errorRate} unit="percent" hint="5xx" />
        <TileStat label="DAU" value={d.users.dau} unit="count" />
        <TileStat label="WAU" value={d.users.wau} unit="count" />
        <TileStat label="MAU" value={d.users.mau} unit="count" />
        <TileStat label="DAU / MAU" value={d.users.stickiness} unit="percent" />
        <TileStat label="Sessions" value={d.sessions.count} unit="count" />
        <TileStat label="Messages / session" value={d.sessions.messagesPerSession} unit="count" />
        <TileStat label="Session duration" value={d.sessions.avgDurationMs} unit="ms" hint="average" />
        <TileStat label="Response length" value={d.responseLength.avg} unit="count" hint="chars, average" />
        <TileStat
          label="Satisfaction"
          value={d.satisfaction.share}
          unit="percent"
          hint={`${d.satisfaction.count} ratings`}
        />
        <TileStat label="Average rating" value={d.satisfaction.average} unit="score" hint="of 5" />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <CardPanel title="Response time" subtitle="response.sent duration, p50 / p95 / p99">
          <ChartTimeSeries
            data={d.response.series}
            unit="ms"
            bucketMs={d.bucketMs}
            threshold={thresholds.p95ResponseMs}
            series={[
              { key: 'p50Ms', label: 'p50' },
              { key: 'p95Ms', label: 'p95' },
              { key: 'p99Ms', label: 'p99' },
            ]}
          />
        </CardPanel>
        <CardPanel
          title="Time to first response"
          subtitle="first token of a streamed answer, else its duration (p95); time to first token p50 / p95"
        >
          <ChartTimeSeries
            data={d.response.series}
            unit="ms"
            bucketMs={d.bucketMs}
            threshold={thresholds.p95FirstResponseMs}
            series={[
              { key: 'ttfrP95Ms', label: 'first response p95' },
              { key: 'ttftP50Ms', label: 'first token p50' },
              { key: 'ttftP95Ms', label: 'first token p95' },
            ]}
          />
        </CardPanel>
        <CardPanel title="Error rate" subtitle="share of http.request with status ≥ 500">
          <ChartTimeSeries
            data={d.errors.series}
            unit="percent"
            bucketMs={d.bucketMs}
            threshold={thresholds.errorRate}
            series={[{ key: 'errorRate', label: 'error rate' }]}
          />
        </CardPanel>
        <CardPanel title="Ratings" subtitle={`${d.satisfaction.count} ratings, scores 1 to 5`}>
          <ChartBar
            data={d.satisfaction.distribution}
            categoryKey="score"
            valueKey="count"
            valueLabel="ratings"
            unit="count"
          />
        </CardPanel>
        <CardPanel
          title="Core Web Vitals by page"
          subtitle={`p75 overall: LCP ${formatValue(d.webVitals.overall.lcp, 'ms')}, INP ${formatValue(d.webVitals.overall.inp, 'ms')}, CLS ${formatValue(d.webVitals.overall.cls, 'ratio')}`}
        >
          <TableSimple
            rows={d.webVitals.byPage}
            columns={vitalColumns}
            empty="No web.vital events in this range."
            rowKey={(r) => r.path}
          />
        </CardPanel>
        <CardPanel title="Top routes" subtitle="by volume, then the slowest at p95">
          <TableSimple
            rows={d.routes.byVolume}
            columns={routeColumns}
            empty="No http.request events in this range."
            rowKey={(r) => r.route}
          />
          <div className="mt-4">
            <TableSimple
              rows={d.routes.byP95}
              columns={routeColumns}
              empty=""
              rowKey={(r) => `p95-${r.route}`}
            />
          </div>
        </CardPanel>
      </div>
    </div>
  );
}
