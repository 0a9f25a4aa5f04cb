'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, type Unit } from '@/lib/format';
import { seriesColor } from './palette';

type Props = {
  data: Record<string, unknown>[];
  categoryKey: string;
  valueKey: string;
  valueLabel: string;
  unit: Unit;
  height?: number;
  color?: string;
};

/** One bar per category, with the unit on the value axis and in the tooltip. */
export function ChartBar({ data, categoryKey, valueKey, valueLabel, unit, height = 200, color = seriesColor(0) }: Props) {
  const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, unit);
  return (
    <div className="text-zinc-500" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
          <XAxis dataKey={categoryKey} stroke="currentColor" fontSize={11} interval="preserveStartEnd" />
          <YAxis tickFormatter={fmt} stroke="currentColor" fontSize={11} width={64} />
          <Tooltip
            formatter={(value) => [fmt(value), valueLabel]}
            contentStyle={{ background: 'var(--tooltip-bg)', border: '1px solid var(--tooltip-border)', fontSize: 12 }}
          />
          <Bar dataKey={valueKey} name={valueLabel} fill={color} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
