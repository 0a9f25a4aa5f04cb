import { describe, expect, it } from 'vitest';
import { channelsFor } from './routing';
import type { Channel } from './types';

const channels: Channel[] = [
  { id: 'w', kind: 'webhook' },
  { id: 's', kind: 'slack' },
  { id: 'p', kind: 'pagerduty' },
  { id: 'e', kind: 'email' },
];
const ids = (r: Channel[]) => r.map((c) => c.id);

describe('channelsFor', () => {
  it('defaults: P1/P2 everywhere, P3 not to PagerDuty, P4 digest only', () => {
    expect(ids(channelsFor('P1', channels))).toEqual(['w', 's', 'p', 'e']);
    expect(ids(channelsFor('P2', channels))).toEqual(['w', 's', 'p', 'e']);
    expect(channelsFor('P3', channels)).toEqual([channels[0], channels[1], channels[3]]);
    expect(channelsFor('P4', channels)).toEqual([]);
  });
  it("a channel's own severities override its default", () => {
    const custom: Channel[] = [
      { id: 'p', kind: 'pagerduty', severities: ['P1'] },
      { id: 'e', kind: 'email', severities: ['P3', 'P4'] },
      { id: 'w', kind: 'webhook', severities: [] },
    ];
    expect(ids(channelsFor('P2', custom))).toEqual([]);
    expect(ids(channelsFor('P1', custom))).toEqual(['p']);
    expect(channelsFor('P4', custom)).toEqual([custom[1]]);
  });
  it('keeps extra channel fields', () => {
    const r = channelsFor('P1', [{ id: 'x', kind: 'slack' as const, url: 'http://127.0.0.1' }]);
    expect(r[0]?.url).toBe('http://127.0.0.1');
  });
});
