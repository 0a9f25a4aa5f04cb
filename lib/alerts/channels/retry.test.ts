import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryDelayMs, RETRY_CAP_MS, shouldGiveUp } from './retry';

const now = new Date('2026-03-01T12:00:00.000Z');
const minutes = (m: number) => m * 60_000;

describe('retry schedule', () => {
  it('backs off 30 s, 1 m, 2 m, 5 m, 10 m, 30 m, then stays at the 30 m cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50].map(retryDelayMs);
    expect(delays).toEqual([
      30_000,
      minutes(1),
      minutes(2),
      minutes(5),
      minutes(10),
      minutes(30),
      minutes(30),
      minutes(30),
      minutes(30),
    ]);
    expect(Math.max(...delays)).toBe(RETRY_CAP_MS);
  });

  it('treats nonsense attempt counts as the first failure', () => {
    expect(retryDelayMs(0)).toBe(30_000);
    expect(retryDelayMs(-3)).toBe(30_000);
    expect(retryDelayMs(Number.NaN)).toBe(30_000);
  });

  it('nextAttemptAt adds the delay to now', () => {
    expect(nextAttemptAt(1, now).toISOString()).toBe('2026-03-01T12:00:30.000Z');
    expect(nextAttemptAt(4, now).toISOString()).toBe('2026-03-01T12:05:00.000Z');
    expect(nextAttemptAt(99, now).toISOString()).toBe('2026-03-01T12:30:00.000Z');
  });
});

describe('shouldGiveUp', () => {
  const at = (ms: number) => new Date(now.getTime() + ms);
  it('never gives up on a firing alert within 24 h, even after a non-retryable failure', () => {
    expect(shouldGiveUp({ kind: 'firing', firstAttemptAt: now, now: at(minutes(1)), retryable: true })).toBe(
      false,
    );
    expect(
      shouldGiveUp({ kind: 'firing', firstAttemptAt: now, now: at(minutes(60 * 24) - 1), retryable: false }),
    ).toBe(false);
  });
  it('gives up on a firing alert after 24 h', () => {
    expect(
      shouldGiveUp({ kind: 'firing', firstAttemptAt: now, now: at(minutes(60 * 24)), retryable: true }),
    ).toBe(true);
  });
  it('retries resolved notifications only while retryable and within 24 h', () => {
    expect(
      shouldGiveUp({ kind: 'resolved', firstAttemptAt: now, now: at(minutes(5)), retryable: true }),
    ).toBe(false);
    expect(
      shouldGiveUp({ kind: 'resolved', firstAttemptAt: now, now: at(minutes(5)), retryable: false }),
    ).toBe(true);
    expect(
      shouldGiveUp({ kind: 'resolved', firstAttemptAt: now, now: at(minutes(60 * 25)), retryable: true }),
    ).toBe(true);
  });
  it('never retries a test notification', () => {
    expect(shouldGiveUp({ kind: 'test', firstAttemptAt: now, now, retryable: true })).toBe(true);
  });
});
