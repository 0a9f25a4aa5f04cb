import { describe, expect, it } from 'vitest';
import { utf8Length } from './index';
import { MAX_RETRY_AFTER_MS, backoffDelay, isRetryableStatus, parseRetryAfter, retryDelay } from './retry';

describe('backoffDelay', () => {
  it('doubles per attempt, between half and all of the ceiling', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(2000);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(10, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(60, 500, 30_000, () => 0.5)).toBe(22_500);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  const policy = { baseMs: 100, maxMs: 1000, random: () => 0 };

  it('prefers Retry-After over backoff', () => {
    expect(retryDelay(5, 3000, policy)).toBe(3000);
    expect(retryDelay(5, undefined, policy)).toBe(500);
  });

  it('adds at most a second of jitter to Retry-After and caps absurd values', () => {
    expect(retryDelay(0, 3000, { ...policy, random: () => 1 })).toBe(3300);
    expect(retryDelay(0, 60_000, { ...policy, random: () => 1 })).toBe(61_000);
    expect(retryDelay(0, 3_600_000, policy)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('isRetryableStatus', () => {
  it('retries throttling, timeouts and server errors only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 207, 400, 401, 403, 413, 415].some(isRetryableStatus)).toBe(false);
  });
});

describe('utf8Length', () => {
  it('matches the encoded size for every width of character', () => {
    for (const text of ['plain', 'café', '日本語', 'emoji 🚀 ok', '\u{1F600}\u{1F600}x']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});
