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

async function figureOf(r: ThresholdRule | ChangeRule): Promise<number | null> {
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
      const result = await ingestBatch(projectId, { events: all.slice(i, i + 500) }, now);
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
        const input = await loadRuleInput(projectId, r, now);
        const value =
          r.kind === 'threshold'
            ? (input as { groups: { value: number | null }[] }).groups[0]!.value
            : (input as { groups: { current: { value: number | null } }[] }).groups[0]!.current.value;
        const figure = await figureOf(r);
        expect(figure, 'the window holds events').not.toBeNull();
        expect(value).toBeCloseTo(figure!, 9);
      });
    }
    it(`daily-spend: today's spend is the AI page's cost since midnight (${stage})`, async () => {
      const input = await loadRuleInput(projectId, rule('daily-spend', 'budget'), now);
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
