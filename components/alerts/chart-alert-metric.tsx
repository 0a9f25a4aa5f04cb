'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { chooseBucketMs, pointTimes } from '@/lib/alerts/view/chart-range';
import { formatTick, formatValue, type Unit } from '@/lib/format';
import { seriesColor } from '@/components/charts/palette';

export type AlertChartPoint = { t: number; value: number | null; projected?: number | null };

type Props = {
  points: AlertChartPoint[];
  from: number;
  to: number;
  bucketMs: number;
  unit: Unit;
  label: string;
  threshold: { value: number; label: string } | null;
  firedAt: number | null;
  resolvedAt: number | null;
  height?: number;
};

const FIRING = '#ef4444';
const RESOLVED = '#10b981';
const utc = (t: number) => `${new Date(t).toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** The rule's metric on a time axis, with the threshold, the firing period shaded and markers when it fired and resolved. */
export function ChartAlertMetric({
  points,
  from,
  to,
  bucketMs,
  unit,
  label,
  threshold,
  firedAt,
  resolvedAt,
  height = 260,
}: Props) {
  const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, unit);
  const hasProjection = points.some((p) => typeof p.projected === 'number');
  const sparse = points.filter((p) => p.value !== null).length < points.length / 2;
  const tickBucket = to - from > 2 * 86_400_000 ? 6 * 3_600_000 : bucketMs;
  // Ticks on round times (every 10 min, 1 h, ...) rather than wherever the range happens to start.
  const ticks = pointTimes(new Date(from), new Date(to), chooseBucketMs(to - from, 8));
  return (
    <figure
      className="text-zinc-500"
      style={{ height }}
      aria-label={`${label} around the alert`}
      data-testid="alert-chart"
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 16, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            ticks={ticks}
            tickFormatter={(t: number) => formatTick(new Date(t).toISOString(), tickBucket)}
            stroke="currentColor"
            fontSize={11}
            minTickGap={32}
          />
          <YAxis tickFormatter={fmt} stroke="currentColor" fontSize={11} width={68} />
          <Tooltip
            formatter={(value, name) => [fmt(value), name]}
            labelFormatter={(t) => utc(Number(t))}
            contentStyle={{
              background: 'var(--tooltip-bg)',
              border: '1px solid var(--tooltip-border)',
              fontSize: 12,
            }}
          />
          {hasProjection && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {firedAt !== null && (
            <ReferenceArea
              x1={firedAt}
              x2={resolvedAt ?? to}
              fill={FIRING}
              fillOpacity={0.08}
              ifOverflow="hidden"
            />
          )}
          {threshold && (
            <ReferenceLine
              y={threshold.value}
              ifOverflow="extendDomain"
              stroke={FIRING}
              strokeDasharray="4 4"
              label={{ value: threshold.label, position: 'insideBottomLeft', fill: FIRING, fontSize: 11 }}
            />
          )}
          {firedAt !== null && (
            <ReferenceLine
              x={firedAt}
              stroke={FIRING}
              label={{ value: 'fired', position: 'top', fill: FIRING, fontSize: 11 }}
            />
          )}
          {resolvedAt !== null && (
            <ReferenceLine
              x={resolvedAt}
              stroke={RESOLVED}
              label={{ value: 'resolved', position: 'top', fill: RESOLVED, fontSize: 11 }}
            />
          )}
          <Line
            dataKey="value"
            name={label}
            stroke={seriesColor(0)}
            strokeWidth={2}
            dot={sparse ? { r: 2.5 } : false}
            connectNulls={false}
            isAnimationActive={false}
          />
          {hasProjection && (
            <Line
              dataKey="projected"
              name="projected for the day"
              stroke={seriesColor(1)}
              strokeWidth={2}
              strokeDasharray="5 3"
              dot={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
