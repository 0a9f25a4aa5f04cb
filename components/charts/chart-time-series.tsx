'use client';

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTick, formatValue, type Unit } from '@/lib/format';
import { seriesColor } from './palette';

export type SeriesDef = { key: string; label: string; color?: string };
export type Threshold = { value: number; label: string };

type Props = {
  data: Record<string, unknown>[];
  series: SeriesDef[];
  unit: Unit;
  bucketMs: number;
  threshold?: Threshold;
  height?: number;
};

/** Lines over time buckets (`t` ISO strings), with the unit on the axis and in the tooltip. */
export function ChartTimeSeries({ data, series, unit, bucketMs, threshold, height = 220 }: Props) {
  const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, unit);
  return (
    <div className="text-zinc-500" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
          <XAxis
            dataKey="t"
            tickFormatter={(t: string) => formatTick(t, bucketMs)}
            stroke="currentColor"
            fontSize={11}
            minTickGap={24}
          />
          <YAxis tickFormatter={fmt} stroke="currentColor" fontSize={11} width={64} />
          <Tooltip
            formatter={(value, name) => [fmt(value), name]}
            labelFormatter={(t) => new Date(String(t)).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'}
            contentStyle={{ background: 'var(--tooltip-bg)', border: '1px solid var(--tooltip-border)', fontSize: 12 }}
          />
          {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {threshold && (
            <ReferenceLine
              y={threshold.value}
              ifOverflow="extendDomain"
              stroke="#ef4444"
              strokeDasharray="4 4"
              label={{ value: threshold.label, position: 'insideTopRight', fill: '#ef4444', fontSize: 11 }}
            />
          )}
          {series.map((s, i) => (
            <Line
              // A rate is null where its denominator is 0: mark points, or a lone value between gaps draws nothing.
              dot={isSparse(data, s.key) ? { r: 2.5 } : false}
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stroke={s.color ?? seriesColor(i)}
              strokeWidth={2}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function isSparse(data: Record<string, unknown>[], key: string): boolean {
  const present = data.filter((row) => typeof row[key] === 'number').length;
  return present < data.length / 2;
}
