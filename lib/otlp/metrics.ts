import { attributes, canonical, cut, type Attrs } from './attributes';
import { list, nanos, toMs } from './decode';
import { checkItemCount, itemDigest, originOf, type Mapped } from './resource';

type Point = { attrs: Attrs; timeNs?: bigint; value?: number; extra?: Record<string, number> };

/**
 * Metric data points to `metric` events, one per point: a gauge or sum point's value (a cumulative sum is its
 * running total), a histogram's or summary's mean (`sum / count`, with count, sum, min and max kept beside it).
 * The point's attributes are the labels. Its id is a digest of the metric, its attributes, the time, the resource
 * and the scope, so a re-exported point is stored once and two instances' points are two.
 */
export function mapMetrics(request: Record<string, unknown>): Mapped {
  const mapped: Mapped = { events: [], items: [], rejections: [], total: 0 };
  for (const resourceMetrics of list(request, 'resourceMetrics')) {
    for (const scopeMetrics of list(resourceMetrics, 'scopeMetrics')) {
      const origin = originOf(resourceMetrics, scopeMetrics);
      for (const metric of list(scopeMetrics, 'metrics')) {
        const m = (metric ?? {}) as Record<string, unknown>;
        const name = typeof m.name === 'string' ? m.name : '';
        const unit = typeof m.unit === 'string' && m.unit ? cut(m.unit, 32) : undefined;
        for (const { point, kind } of pointsOf(m)) {
          const index = mapped.total++;
          checkItemCount(index, 'data points');
          if (!name) {
            mapped.rejections.push({ index, message: 'metric.name: required' });
            continue;
          }
          const p = readPoint(point, kind);
          // A histogram or summary point of an interval without observations has no value to show.
          if (p.extra?.count === 0) continue;
          if (p.timeNs === undefined) {
            mapped.rejections.push({ index, message: `${name}: timeUnixNano is required` });
            continue;
          }
          if (p.value === undefined) {
            mapped.rejections.push({ index, message: `${name}: the data point has no finite value` });
            continue;
          }
          // No prototype: a label named __proto__ is kept like any other.
          const labels: Record<string, string> = Object.create(null);
          for (const [key, value] of Object.entries(p.attrs)) {
            labels[cut(key, 128)] = cut(typeof value === 'string' ? value : JSON.stringify(value), 256);
          }
          // The point's attributes as sent (labels are cut) and the whole resource: two instances are two sources.
          const id = itemDigest('metric', origin, [
            name,
            kind,
            canonical(list(point, 'attributes')),
            String(p.timeNs),
          ]);
          mapped.events.push({
            ...origin.common,
            type: 'metric',
            id,
            timestamp: toMs(p.timeNs),
            name: cut(name, 128),
            value: p.value,
            ...(unit ? { unit } : {}),
            ...(Object.keys(labels).length > 0 ? { labels } : {}),
            ...(p.extra ? { otel: { kind, ...p.extra } } : {}),
          });
          mapped.items.push(index);
        }
      }
    }
  }
  return mapped;
}

const KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
type Kind = (typeof KINDS)[number];

function pointsOf(metric: Record<string, unknown>): { point: unknown; kind: Kind }[] {
  for (const kind of KINDS) {
    if (metric[kind] && typeof metric[kind] === 'object') {
      return list(metric[kind], 'dataPoints').map((point) => ({ point, kind }));
    }
  }
  return [];
}

const num = (raw: unknown): number | undefined => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

function readPoint(raw: unknown, kind: Kind): Point {
  const p = (raw ?? {}) as Record<string, unknown>;
  const attrs = attributes(p.attributes);
  const timeNs = nanos(p.timeUnixNano) ?? nanos(p.startTimeUnixNano);
  if (kind === 'gauge' || kind === 'sum') {
    return { attrs, timeNs, value: num(p.asDouble) ?? num(p.asInt) };
  }
  const count = num(p.count) ?? 0;
  const sum = num(p.sum);
  const extra: Record<string, number> = { count };
  if (sum !== undefined) extra.sum = sum;
  const min = num(p.min);
  const max = num(p.max);
  if (min !== undefined) extra.min = min;
  if (max !== undefined) extra.max = max;
  const value = count > 0 && sum !== undefined ? sum / count : undefined;
  return { attrs, timeNs, value, extra };
}
