'use client';

import Link from 'next/link';
import { ChartTimeSeries } from '@/components/charts/chart-time-series';
import { pivotSeries } from '@/components/charts/pivot';
import type { ChartThresholds } from '@/lib/dashboard/thresholds';
import { formatValue } from '@/lib/format';
import type { System } from '@/lib/metrics/types';
import { CardPanel } from './card-panel';
import { LiveStatus, useLiveStats } from './live-stats';
import { TableSimple } from './table-simple';
import { TileStat } from './tile-stat';

type Props = { initialData: System; query: Record<string, string>; logsHref: string; thresholds: ChartThresholds };

export function ViewSystem({ initialData, query, logsHref, thresholds }: Props) {
  const { data: d, dataUpdatedAt, error, isFetching } = useLiveStats('system', query, initialData);
  const cpu = d.resources.filter((r) => r.resource === 'cpu');
  const memory = d.resources.filter((r) => r.resource === 'memory');
  const resourceChart = (list: typeof cpu) => (
    <ChartTimeSeries
      data={pivotSeries(list.map((r) => ({ key: r.service, points: r.points })), (p) => p.avg)}
      series={list.map((r) => ({ key: r.service, label: `${r.service}${r.unit ? ` (${r.unit})` : ''}` }))}
      unit="count"
      bucketMs={d.bucketMs}
    />
  );
  return (
    <div className="space-y-6">
      <LiveStatus updatedAt={dataUpdatedAt} error={error} fetching={isFetching} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <TileStat label="Requests" value={d.http.requests || null} unit="count" />
        <TileStat label="Request rate" value={d.http.requests ? d.http.requestsPerMinute : null} unit="rate" />
        <TileStat label="API success rate" value={d.http.successRate} unit="percent" hint="status < 400" />
        <TileStat label="4xx rate" value={d.http.clientErrorRate} unit="percent" />
        <TileStat label="5xx rate" value={d.http.serverErrorRate} unit="percent" />
        <TileStat label="Rate-limit hits" value={d.rateLimits.total} unit="count" />
        <TileStat
          label="Failed logins"
          value={d.logins.attempts ? d.logins.failures : null}
          unit="count"
          hint={`of ${d.logins.attempts} attempts`}
        />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <CardPanel title="4xx and 5xx rates" subtitle="share of http.request">
          <ChartTimeSeries
            data={d.http.series}
            unit="percent"
            bucketMs={d.bucketMs}
            threshold={thresholds.errorRate}
            series={[
              { key: 'clientErrorRate', label: '4xx', color: '#f59e0b' },
              { key: 'serverErrorRate', label: '5xx', color: '#ef4444' },
            ]}
          />
        </CardPanel>
        <CardPanel title="Requests" subtitle="http.request per bucket">
          <ChartTimeSeries data={d.http.series} unit="count" bucketMs={d.bucketMs} series={[{ key: 'requests', label: 'requests' }]} />
        </CardPanel>
        <CardPanel title="CPU by service" subtitle="average of metric events named cpu*">
          {cpu.length ? resourceChart(cpu) : <p className="py-6 text-center text-sm text-zinc-500">No CPU metric events in this range.</p>}
        </CardPanel>
        <CardPanel title="Memory by service" subtitle="average of metric events named mem*">
          {memory.length ? resourceChart(memory) : <p className="py-6 text-center text-sm text-zinc-500">No memory metric events in this range.</p>}
        </CardPanel>
      </div>
      <CardPanel title="Routes" subtitle="busiest first">
        <TableSimple
          rows={d.routes}
          rowKey={(r) => r.route}
          empty="No http.request events in this range."
          columns={[
            { key: 'route', label: 'Route', render: (r) => <code className="text-xs">{r.route}</code> },
            { key: 'req', label: 'Requests', align: 'right', render: (r) => formatValue(r.requests, 'count') },
            { key: 'rpm', label: 'Rate', align: 'right', render: (r) => formatValue(r.requestsPerMinute, 'rate') },
            { key: 'ok', label: 'Success', align: 'right', render: (r) => formatValue(r.successRate, 'percent') },
            { key: '4xx', label: '4xx', align: 'right', render: (r) => formatValue(r.clientErrors, 'count') },
            { key: '5xx', label: '5xx', align: 'right', render: (r) => formatValue(r.serverErrors, 'count') },
            { key: 'p95', label: 'p95', align: 'right', render: (r) => formatValue(r.p95Ms, 'ms') },
          ]}
        />
      </CardPanel>
      <div className="grid gap-4 lg:grid-cols-2">
        <CardPanel title="Rate limits" subtitle="rate_limit events by route">
          <TableSimple
            rows={d.rateLimits.byRoute}
            rowKey={(r) => r.route}
            empty="No rate-limit hits in this range."
            columns={[
              { key: 'route', label: 'Route', render: (r) => <code className="text-xs">{r.route}</code> },
              { key: 'hits', label: 'Hits', align: 'right', render: (r) => formatValue(r.hits, 'count') },
            ]}
          />
        </CardPanel>
        <CardPanel title="Error log" subtitle="latest errors, grouped">
          <TableSimple
            rows={d.errors}
            rowKey={(e) => `${e.errorType}|${e.route}|${e.message}`}
            empty="No errors in this range."
            columns={[
              {
                key: 'type',
                label: 'Type',
                render: (e) => (
                  <Link className="text-indigo-600 hover:underline dark:text-indigo-400" href={`${logsHref}&levels=error&event=${encodeURIComponent(e.errorType)}`}>
                    {e.errorType}
                  </Link>
                ),
              },
              { key: 'route', label: 'Route', render: (e) => (e.route ? <code className="text-xs">{e.route}</code> : '—') },
              { key: 'msg', label: 'Message', render: (e) => <span className="line-clamp-1 max-w-xs">{e.message}</span> },
              { key: 'n', label: 'Count', align: 'right', render: (e) => formatValue(e.count, 'count') },
              { key: 'last', label: 'Last seen', align: 'right', render: (e) => e.lastSeen.slice(5, 16).replace('T', ' ') },
            ]}
          />
        </CardPanel>
      </div>
    </div>
  );
}
