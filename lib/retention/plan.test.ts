import { describe, expect, it } from 'vitest';
import { planPartitions } from '@/lib/storage/partition-plan';
import {
  executeRetention,
  planRetention,
  RETENTION_TARGETS,
  type PartitionDrop,
  type RetentionSettings,
  type RowDelete,
} from './plan';

const settings: RetentionSettings = {
  retentionDays: 30,
  rollupRetentionDays: 400,
  healthRetentionDays: 90,
  alertHistoryRetentionDays: 180,
  auditRetentionDays: 400,
};
const days = (from: string, to: string) =>
  planPartitions({ from: new Date(from), to: new Date(to) }).map((p) => ({
    name: p.name,
    bounds: { from: p.from, to: p.to },
    attached: true,
  }));
const allTables = new Set(RETENTION_TARGETS.map((t) => t.table));
const noOptional = new Set(RETENTION_TARGETS.filter((t) => !t.optional).map((t) => t.table));

describe('planRetention', () => {
  it('drops the partitions wholly before the UTC day of now - retention, oldest first', () => {
    const plan = planRetention({
      now: new Date('2026-03-31T12:00:00Z'),
      settings,
      partitions: days('2026-02-25T00:00:00Z', '2026-04-02T00:00:00Z').reverse(),
      existingTables: allTables,
    });
    expect(plan.eventsCutoff.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    // The day of the cutoff (March 1) still holds rows inside retention: it stays.
    expect(plan.dropPartitions.map((p) => p.name)).toEqual([
      'events_p20260225',
      'events_p20260226',
      'events_p20260227',
      'events_p20260228',
    ]);
  });

  it('at exactly midnight, the day that has just left retention goes', () => {
    const plan = planRetention({
      now: new Date('2026-03-31T00:00:00Z'),
      settings,
      partitions: days('2026-02-28T00:00:00Z', '2026-03-02T00:00:00Z'),
      existingTables: allTables,
    });
    expect(plan.eventsCutoff.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(plan.dropPartitions.map((p) => p.name)).toEqual(['events_p20260228']);
    const oneMsEarlier = planRetention({
      now: new Date('2026-03-30T23:59:59.999Z'),
      settings,
      partitions: days('2026-02-28T00:00:00Z', '2026-03-02T00:00:00Z'),
      existingTables: allTables,
    });
    expect(oneMsEarlier.dropPartitions.map((p) => p.name)).toEqual([]);
  });

  it('has nothing to drop when every partition is recent, and never drops bounds it cannot read', () => {
    const plan = planRetention({
      now: new Date('2026-03-31T12:00:00Z'),
      settings,
      partitions: [
        ...days('2026-03-10T00:00:00Z', '2026-04-02T00:00:00Z'),
        { name: 'events_old', bounds: null, attached: true },
      ],
      existingTables: allTables,
    });
    expect(plan.dropPartitions).toEqual([]);
  });

  it('gives every other target its cutoff, minute rollups following the raw retention, rollup buckets going once wholly past it', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    const plan = planRetention({ now, settings, partitions: [], existingTables: allTables });
    const cutoff = Object.fromEntries(plan.deletes.map((d) => [d.key, d.cutoff.toISOString()]));
    expect(cutoff).toEqual({
      event_activity_hourly: '2025-02-24T12:00:00.000Z',
      'metric_rollups.minute': '2026-03-01T11:45:00.000Z',
      'metric_rollups.hour_day': '2025-02-23T12:00:00.000Z',
      'metric_rollups.week': '2025-02-17T12:00:00.000Z',
      user_rollups: '2025-02-17T12:00:00.000Z',
      user_sets: '2025-02-17T12:00:00.000Z',
      user_index: '2025-02-10T12:00:00.000Z',
      error_rollups: '2025-02-17T12:00:00.000Z',
      dimension_values: '2025-02-24T12:00:00.000Z',
      session_rollups: '2025-02-24T12:00:00.000Z',
      session_parts: '2025-02-24T12:00:00.000Z',
      session_spans: '2025-02-24T12:00:00.000Z',
      session_dirty_buckets: '2025-02-24T12:00:00.000Z',
      session_changes: '2025-02-24T12:00:00.000Z',
      'rollup_changes.quarter': '2025-02-24T11:45:00.000Z',
      'rollup_changes.day': '2025-02-23T12:00:00.000Z',
      health_checks: '2025-12-31T12:00:00.000Z',
      alert_transitions: '2025-10-02T12:00:00.000Z',
      notification_deliveries: '2025-10-02T12:00:00.000Z',
      audit_log: '2025-02-24T12:00:00.000Z',
    });
    expect(plan.deletes.find((d) => d.key === 'metric_rollups.hour_day')?.filter).toEqual({
      column: 'grain',
      values: ['hour', 'day'],
    });
    expect(plan.deletes.find((d) => d.key === 'metric_rollups.week')?.filter).toEqual({
      column: 'grain',
      values: ['week'],
    });
    // Quarter hours go with the minutes they are built from, at the raw events' retention.
    expect(plan.deletes.find((d) => d.key === 'metric_rollups.minute')?.filter).toEqual({
      column: 'grain',
      values: ['minute', 'quarter'],
    });
  });
});

describe('executeRetention', () => {
  const plan = planRetention({
    now: new Date('2026-03-31T12:00:00Z'),
    settings,
    partitions: days('2026-02-20T00:00:00Z', '2026-03-31T00:00:00Z'),
    existingTables: noOptional,
  });
  /** A fake database: `rows` old rows per target, every step costs `stepMs` on a fake clock. */
  function fake(rows: number, stepMs: number) {
    let t = 0;
    const left = new Map(plan.deletes.map((d) => [d.key, rows]));
    const calls: string[] = [];
    const ops = {
      dropPartition: async (p: PartitionDrop) => {
        calls.push(p.name);
        t += stepMs;
      },
      deleteBatch: async (target: RowDelete, limit: number) => {
        const n = Math.min(limit, left.get(target.key)!);
        left.set(target.key, left.get(target.key)! - n);
        calls.push(`${target.key}:${n}`);
        t += stepMs;
        return n;
      },
    };
    return { ops, calls, clock: () => t };
  }

  it('drops partitions first, at most maxPartitions, then deletes in batches until each target is done', async () => {
    const { ops, calls, clock } = fake(5, 1);
    const report = await executeRetention(
      plan,
      { budgetMs: 1_000, batchRows: 2, maxPartitions: 3 },
      ops,
      clock,
    );
    expect(report.partitions).toMatchObject({
      dropped: ['events_p20260220', 'events_p20260221', 'events_p20260222'],
      done: false,
    });
    expect(calls.filter((c) => c.startsWith('health_checks'))).toEqual([
      'health_checks:2',
      'health_checks:2',
      'health_checks:1',
    ]);
    expect(report.targets.every((t) => t.done && t.deleted === 5)).toBe(true);
    expect(report.done).toBe(false);
  });

  it('stops starting steps once the budget is spent, and says what is left', async () => {
    const { ops, calls, clock } = fake(100, 10);
    const report = await executeRetention(
      plan,
      { budgetMs: 25, batchRows: 10, maxPartitions: 2 },
      ops,
      clock,
    );
    expect(calls).toEqual(['events_p20260220', 'events_p20260221', 'event_activity_hourly:10']);
    expect(report.done).toBe(false);
    expect(report.targets[0]).toMatchObject({ key: 'event_activity_hourly', deleted: 10, done: false });
    expect(report.targets.slice(1).every((t) => t.deleted === 0 && !t.done)).toBe(true);
  });

  it('always takes one step, so a zero budget still makes progress', async () => {
    const { ops, calls, clock } = fake(100, 10);
    await executeRetention(plan, { budgetMs: 0, batchRows: 10, maxPartitions: 2 }, ops, clock);
    expect(calls).toEqual(['events_p20260220']);
  });

  it('is done when nothing is old', async () => {
    const empty = planRetention({
      now: new Date('2026-03-31T12:00:00Z'),
      settings,
      partitions: [],
      existingTables: noOptional,
    });
    const { ops, clock } = fake(0, 1);
    const report = await executeRetention(
      empty,
      { budgetMs: 1_000, batchRows: 10, maxPartitions: 2 },
      ops,
      clock,
    );
    expect(report.done).toBe(true);
    expect(report.targets.map((t) => t.deleted)).toEqual(RETENTION_TARGETS.map(() => 0));
  });
});
