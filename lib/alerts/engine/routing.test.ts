import { describe, expect, it } from 'vitest';
import { channelsFor, DEFAULT_REPEAT_INTERVAL_MS, isDue } from './routing';
import type { Channel } from './types';

const channels: Channel[] = [
  { id: 'w', kind: 'webhook' },
  { id: 's', kind: 'slack' },
  { id: 'p', kind: 'pagerduty' },
  { id: 'e', kind: 'email' },
];
const ids = (r: { channels: Channel[] }) => r.channels.map((c) => c.id);

describe('channelsFor', () => {
  it('defaults: P1/P2 everywhere, P3 not to PagerDuty, P4 digest only', () => {
    expect(ids(channelsFor('P1', channels))).toEqual(['w', 's', 'p', 'e']);
    expect(ids(channelsFor('P2', channels))).toEqual(['w', 's', 'p', 'e']);
    expect(channelsFor('P3', channels)).toEqual({ channels: [channels[0], channels[1], channels[3]], digest: false });
    expect(channelsFor('P4', channels)).toEqual({ channels: [], digest: true });
  });
  it("a channel's own severities override its default", () => {
    const custom: Channel[] = [
      { id: 'p', kind: 'pagerduty', severities: ['P1'] },
      { id: 'e', kind: 'email', severities: ['P3', 'P4'] },
      { id: 'w', kind: 'webhook', severities: [] },
    ];
    expect(ids(channelsFor('P2', custom))).toEqual([]);
    expect(ids(channelsFor('P1', custom))).toEqual(['p']);
    expect(channelsFor('P4', custom)).toEqual({ channels: [custom[1]], digest: true });
  });
  it('keeps extra channel fields', () => {
    const r = channelsFor('P1', [{ id: 'x', kind: 'slack' as const, url: 'http://127.0.0.1' }]);
    expect(r.channels[0]?.url).toBe('http://127.0.0.1');
  });
});

describe('isDue', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it('never notified: due', () => expect(isDue(null, undefined, false, null, now)).toBe(true));
  it('repeats every 4 h by default, not before', () => {
    expect(DEFAULT_REPEAT_INTERVAL_MS).toBe(4 * 3_600_000);
    expect(isDue(ago(4 * 3_600_000 - 1), undefined, false, null, now)).toBe(false);
    expect(isDue(ago(4 * 3_600_000), undefined, false, null, now)).toBe(true);
    expect(isDue(ago(60_000), 60_000, false, null, now)).toBe(true);
  });
  it('repeat interval 0 disables repeats but still sends the first', () => {
    expect(isDue(ago(10 * 86_400_000), 0, false, null, now)).toBe(false);
    expect(isDue(null, 0, false, null, now)).toBe(true);
  });
  it('acknowledged stops repeats', () => {
    expect(isDue(ago(5 * 3_600_000), undefined, true, null, now)).toBe(false);
    expect(isDue(null, undefined, true, null, now)).toBe(false);
  });
  it('a silence suppresses until its end, then a never-sent alert is due at once', () => {
    expect(isDue(null, undefined, false, new Date(now.getTime() + 1), now)).toBe(false);
    expect(isDue(ago(5 * 3_600_000), undefined, false, new Date(now.getTime() + 60_000), now)).toBe(false);
    expect(isDue(null, undefined, false, now, now)).toBe(true);
    expect(isDue(null, undefined, false, ago(1), now)).toBe(true);
    expect(isDue(ago(60_000), undefined, false, ago(1), now)).toBe(false);
  });
});
