import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from './log';

describe('log.throttled', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes once per interval and reports how many lines it held back', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const key = `test-${Math.random()}`;
    expect(log.throttled('warn', 'kv_down', {}, { key, now: 0 })).toBe(true);
    expect(log.throttled('warn', 'kv_down', {}, { key, now: 10_000 })).toBe(false);
    expect(log.throttled('warn', 'kv_down', {}, { key, now: 59_999 })).toBe(false);
    expect(log.throttled('warn', 'kv_down', {}, { key, now: 60_000 })).toBe(true);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(JSON.parse(spy.mock.calls[1]![0] as string)).toEqual({
      level: 'warn',
      event: 'kv_down',
      suppressed: 2,
    });
  });
});
