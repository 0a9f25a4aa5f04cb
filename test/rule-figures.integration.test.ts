import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import * as schema from '@/db/schema';
import type { ChangeRule, Rule, ThresholdRule } from '@/lib/alerts/engine/types';
import { loadRuleInput } from '@/lib/alerts/inputs/inputs';
import { DEFAULT_RULES } from '@/lib/alerts/rules/defaults';
import { ingestBatch } from '@/lib/ingest/ingest';
import { rollUp } from '@/lib/metrics/rollups/job';
import { getAi, getExperience, getOverview, getSystem } from '@/lib/metrics/queries';
import { readTotals } from '@/lib/metrics/queries/figures';
import { NO_FILTERS, parseRange } from '@/lib/metrics/range';

/**
 * Issue 10: for every default alert rule, the value the rule evaluates equals the figure the dashboard shows
 * for the same window and filters: both read the metric catalog. Checked on raw rows and after the rollup.
 */

const SECOND = 1000;

const now = new Date(Math.floor(Date.now() / SECOND) * SECOND - 7 * SECOND);
let projectId: string;

function rule<K extends Rule['kind']>(key: string, kind: K): Extract<Rule, { kind: K }> {
  const r = DEFAULT_RULES.find((d) => d.key === key);
  if (!r || r.kind !== kind) throw new Error(`no default ${kind} rule ${key}`);
  return r as Extract<Rule, { kind: K }>;
}

/** The dashboard's range for a rule's window ending now. */
const windowOf = (ms: number) =>
  parseRange({ from: String(now.getTime() - ms), to: String(now.getTime()) }, now);

function events(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const at = (agoMs: number) => new Date(now.getTime() - agoMs).toISOString();
  for (let i = 0; i < 240; i++) {
    const ago = 500 + i * 13 * SECOND; // spread over the last ~52 minutes
    out.push({
      type: 'http.request',
      timestamp: at(ago),
      route: i % 3 ? '/api/chat' : '/api/history',
      status: i % 9 === 0 ? 503 : i % 7 === 0 ? 404 : 200,
      durationMs: 40 + (i % 17) * 30,
      userId: `u${i % 23}`,
    });
    out.push({
      type: 'response.sent',
      timestamp: at(ago + 100),
      durationMs: 800 + (i % 13) * 400,
      ttftMs: 150 + (i % 11) * 60,
      streamed: i % 3 !== 0,
      userId: `u${i % 23}`,
    });
    if (i % 2 === 0)
      out.push({
        type: 'cache',
        timestamp: at(ago + 200),
        operation: 'get',
        ...(i % 10 === 0 ? {} : { hit: i % 4 === 0 }),
      });
    if (i % 5 === 0)
      out.push({
        type: 'auth.attempt',
        timestamp: at(ago + 300),
        outcome: i % 15 === 0 ? 'failure' : 'success',
      });
    // The operations templates' inputs: resource metrics of two services (CPU with a label the rule
    // ignores), database pool and query latency, rate-limit hits.
    out.push({
      type: 'metric',
      timestamp: at(ago + 450),
      service: i % 2 ? 'api' : 'worker',
      name: i % 2 ? 'cpu.utilization' : 'memory.utilization',
      unit: '%',
      value: 40 + (i % 11) * 5,
      labels: { host: `h${i % 3}` },
    });
    if (i % 3 === 0)
      out.push({
        type: 'metric',
        timestamp: at(ago + 500),
        service: 'api',
        name: i % 2 ? 'db.pool.utilization' : 'db.query.duration',
        unit: i % 2 ? '%' : 'ms',
        value: i % 2 ? 50 + (i % 7) * 6 : 20 + (i % 19) * 35,
        labels: { pool: 'main' },
      });
    if (i % 5 === 0)
      out.push({
        type: 'metric',
        timestamp: at(ago + 520),
        service: 'worker',
        name: 'disk.utilization',
        unit: '%',
        value: 60 + (i % 13) * 3,
        labels: { mount: '/data' },
      });
    if (i % 6 === 0)
      out.push({
        type: 'rate_limit',
        timestamp: at(ago + 550),
        route: '/api/chat',
        scope: 'user',
        limit: 60,
      });
    if (i % 4 === 0)
      out.push({
        type: 'ai.call',
        timestamp: at(ago + 400),
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        durationMs: 900,
        inputTokens: 1000 + i,
        outputTokens: 200,
        status: i % 16 === 0 ? 'error' : 'ok',
      });
  }
  return out;
}

async function figureOf(r: ThresholdRule | ChangeRule, group: string | null): Promise<number | null> {
  const range = windowOf(r.windowMs);
  switch (r.metric) {
    case 'error_rate':
      return (await getOverview({ projectId }, range, NO_FILTERS)).figures.errorRate;
    case 'availability': {
      const errorRate = (await getOverview({ projectId }, range, NO_FILTERS)).figures.errorRate;
      return errorRate === null ? null : 1 - errorRate;
    }
    case 'cache_hit_rate':
      return (await getOverview({ projectId }, range, NO_FILTERS)).figures.cacheHitRate;
    case 'active_users':
      return (await getOverview({ projectId }, range, NO_FILTERS)).figures.activeUsers ?? 0;
    case 'p95_first_response_ms':
      return (await getExperience({ projectId }, range, NO_FILTERS)).response.firstResponseP95Ms;
    case 'failed_logins':
      return (await getSystem({ projectId }, range, NO_FILTERS)).logins.failures;
    case 'rate_limit_hits':
      return (await getSystem({ projectId }, range, NO_FILTERS)).rateLimits.total;
    case 'p95_streaming_duration_ms':
      return (await getExperience({ projectId }, range, NO_FILTERS)).streaming.durationP95Ms;
    case 'metric_average': {
      // System Status: CPU and memory per service.
      const resource = (r as ThresholdRule).series!.name.startsWith('cpu') ? 'cpu' : 'memory';
      const row = (await getSystem({ projectId }, range, NO_FILTERS)).resources.find(
        (x) => x.resource === resource && x.service === group,
      );
      return row?.avg ?? null;
    }
    case 'metric_max':
    case 'metric_p95':
      // Not on a dashboard: the read API's figure through the catalog, independently of the rule's input.
      return (
        await readTotals({ projectId }, range, NO_FILTERS, [r.metric], {
          where: { name: (r as ThresholdRule).series!.name, service: group ?? '' },
        })
      )[r.metric].value;
    default:
      throw new Error(`no dashboard figure mapped for ${r.metric}`);
  }
}

describe(`default rules read the dashboards' figures (${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'})`, () => {
  beforeAll(async () => {
    const db = await getDb();
    const [project] = await db
      .insert(schema.projects)
      .values({ slug: `rf-${randomUUID().slice(0, 10)}`, name: 'rule figures' })
      .returning();
    projectId = project!.id;
    const all = events().map((e, i) => ({ id: `rf-${i}`, ...e }));
    for (let i = 0; i < all.length; i += 500) {
      const result = await ingestBatch(projectId, { events: all.slice(i, i + 500) }, { now });
      expect(result.body).toMatchObject({ rejected: 0 });
    }
  }, 60_000);

  const metricRules = DEFAULT_RULES.filter(
    (r): r is ThresholdRule | ChangeRule => r.kind === 'threshold' || r.kind === 'change',
  );

  it('covers every default rule that evaluates a metric', () => {
    expect(metricRules.map((r) => r.key).sort()).toEqual(
      [
        'active-users-drop',
        'api-availability',
        'cache-hit-rate',
        'error-rate',
        'failed-logins',
        'latency-vs-baseline',
        'p95-response-time',
        'cpu-high',
        'memory-high',
        'disk-high',
        'db-pool-high',
        'db-query-latency',
        'streaming-duration',
        'quota-hits',
      ].sort(),
    );
  });

  for (const stage of ['raw rows', 'rolled up'] as const) {
    for (const r of metricRules) {
      it(`${r.key}: the rule's value is the dashboard's figure (${stage})`, async () => {
        if (stage === 'rolled up') {
          await new Promise((resolve) => setTimeout(resolve, 1_100));
          await rollUp({ budgetMs: 30_000 });
        }
        const input = await loadRuleInput({ projectId }, r, now);
        const groups =
          r.kind === 'threshold'
            ? (input as { groups: { group: string | null; value: number | null }[] }).groups
            : (input as { groups: { group: string | null; current: { value: number | null } }[] }).groups.map(
                (g) => ({ group: g.group, value: g.current.value }),
              );
        // A rule per service answers for each service that sent its series.
        if (r.groupBy === 'service') expect(groups.length).toBeGreaterThan(0);
        else expect(groups).toHaveLength(1);
        for (const g of groups) {
          const figure = await figureOf(r, g.group);
          expect(figure, 'the window holds events').not.toBeNull();
          expect(g.value).toBeCloseTo(figure!, 9);
        }
      });
    }
    it(`a rule's label filter keeps the events that carry those labels, whatever else they carry (${stage})`, async () => {
      const cpu = rule('cpu-high', 'threshold');
      const valueWith = async (labels: Record<string, string>) => {
        const input = await loadRuleInput(
          { projectId },
          { ...cpu, series: { name: cpu.series!.name, labels } },
          now,
        );
        return input.groups.map((g) => [g.group, g.value]);
      };
      // By hand: CPU events are the odd i (service api), host h(i % 3), value 40 + (i % 11) * 5.
      const h1 = events().filter(
        (e) =>
          e.type === 'metric' &&
          e.name === 'cpu.utilization' &&
          (e.labels as Record<string, string>).host === 'h1' &&
          Date.parse(e.timestamp as string) >= now.getTime() - cpu.windowMs,
      );
      expect(h1.length).toBeGreaterThan(0);
      const mean = h1.reduce((sum, e) => sum + (e.value as number), 0) / h1.length;
      const [[group, value]] = (await valueWith({ host: 'h1' })) as [[string, number]];
      expect(group).toBe('api');
      expect(value).toBeCloseTo(mean, 9);
      expect(await valueWith({ host: 'h9' })).toEqual([]);
      expect(await valueWith({ host: 'h1', pool: 'main' })).toEqual([]);
    });
    it(`daily-spend: today's spend is the AI page's cost since midnight (${stage})`, async () => {
      const input = await loadRuleInput({ projectId }, rule('daily-spend', 'budget'), now);
      const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      const ai = await getAi(
        { projectId },
        parseRange({ from: midnight.toISOString(), to: now.toISOString() }, now),
        NO_FILTERS,
      );
      // Right after midnight UTC the day may hold no call yet: then both are nothing spent.
      expect(input.spentUsd).toBeCloseTo(ai.totals.costUsd ?? 0, 9);
    });
  }
});
