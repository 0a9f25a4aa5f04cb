import { describe, expect, it } from 'vitest';
import {
  dayOfPartitionName,
  parsePartitionBound,
  partitionName,
  partitionsOf,
  partitionWindow,
  planPartitions,
  utcDay,
} from './partition-plan';

const at = (iso: string) => new Date(iso);

describe('partition plan', () => {
  it('names a partition after the UTC day, whatever the instant within it', () => {
    expect(partitionName(at('2026-03-01T00:00:00.000Z'))).toBe('events_p20260301');
    expect(partitionName(at('2026-02-28T23:59:59.999Z'))).toBe('events_p20260228');
    // 23:30 at UTC-05:00 is already the next day in UTC.
    expect(partitionName(at('2026-12-31T23:30:00-05:00'))).toBe('events_p20270101');
  });

  it('starts a day at 00:00 UTC, also around leap days and before 1970', () => {
    expect(utcDay(at('2028-02-29T12:00:00Z')).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(utcDay(at('1969-12-31T18:00:00Z')).toISOString()).toBe('1969-12-31T00:00:00.000Z');
  });

  it('plans one partition per day, both ends included, with [00:00, next 00:00) bounds', () => {
    const plan = planPartitions({ from: at('2026-02-27T22:00:00Z'), to: at('2026-03-01T00:00:00Z') });
    expect(plan.map((p) => [p.name, p.from.toISOString(), p.to.toISOString()])).toEqual([
      ['events_p20260227', '2026-02-27T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
      ['events_p20260228', '2026-02-28T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['events_p20260301', '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ]);
    expect(planPartitions({ from: at('2026-03-02T00:00:00Z'), to: at('2026-03-01T00:00:00Z') })).toEqual([]);
  });

  it('keeps partitions from the oldest accepted day through two days ahead', () => {
    const window = partitionWindow(at('2026-03-31T12:00:00Z'), 30);
    expect(window.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(window.to.toISOString()).toBe('2026-04-02T00:00:00.000Z');
    const plan = planPartitions(window);
    expect(plan).toHaveLength(33);
    expect(plan.at(-1)?.name).toBe('events_p20260402');
  });

  it('reads back the day of its own names only', () => {
    expect(dayOfPartitionName('events_p20260229')).toBeNull(); // 2026 is not a leap year
    expect(dayOfPartitionName('events_p20280229')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(dayOfPartitionName('events_default')).toBeNull();
    expect(dayOfPartitionName('events_p2026030')).toBeNull();
  });

  it('plans the distinct days of a batch only, not the span between them', () => {
    expect(partitionsOf([])).toEqual([]);
    const specs = partitionsOf([
      at('2026-03-02T01:00:00Z'),
      at('2001-02-20T23:00:00Z'),
      at('2026-03-02T23:59:59.999Z'),
      at('2026-03-03T00:00:00Z'),
    ]);
    expect(specs.map((p) => p.name)).toEqual(['events_p20010220', 'events_p20260302', 'events_p20260303']);
    expect(specs[1]!.to.toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('parses bounds as Postgres prints them in any session time zone', () => {
    const utc = parsePartitionBound(
      "FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-03-02 00:00:00+00')",
    );
    expect(utc?.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(utc?.to.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    const india = parsePartitionBound(
      "FOR VALUES FROM ('2026-03-01 05:30:00+05:30') TO ('2026-03-02 05:30:00+05:30')",
    );
    expect(india?.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const la = parsePartitionBound(
      "FOR VALUES FROM ('2026-02-28 16:00:00-08') TO ('2026-03-01 16:00:00-08')",
    );
    expect(la?.to.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(parsePartitionBound("FOR VALUES FROM (MINVALUE) TO ('2026-03-01 00:00:00+00')")).toBeNull();
    expect(parsePartitionBound('DEFAULT')).toBeNull();
  });
});
