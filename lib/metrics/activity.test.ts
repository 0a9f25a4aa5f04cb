import { describe, expect, it } from 'vitest';
import { activeUsers, summarizeSessions } from './activity';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const to = new Date('2025-01-31T00:00:00Z');
const ago = (ms: number) => new Date(to.getTime() - ms);

describe('activeUsers', () => {
  it('counts distinct users in the 1, 7 and 30 days before `to`, and DAU/MAU', () => {
    const events = [
      { userId: 'u1', ts: ago(HOUR) },
      { userId: 'u1', ts: ago(20 * DAY) },
      { userId: 'u6', ts: ago(DAY) },
      { userId: 'u2', ts: ago(2 * DAY) },
      { userId: 'u3', ts: ago(10 * DAY) },
      { userId: 'u4', ts: ago(31 * DAY) },
      { userId: 'u5', ts: to },
      { userId: null, ts: ago(HOUR) },
    ];
    expect(activeUsers(events, to)).toEqual({ dau: 2, wau: 3, mau: 4, stickiness: 0.5 });
  });

  it('has no stickiness without monthly users', () => {
    expect(activeUsers([], to)).toEqual({ dau: 0, wau: 0, mau: 0, stickiness: null });
  });
});

describe('summarizeSessions', () => {
  it('measures each session from its first to its last event and counts its messages', () => {
    const t0 = new Date('2025-01-30T10:00:00Z').getTime();
    const sessions = summarizeSessions([
      { sessionId: 's1', type: 'page.view', ts: new Date(t0 + 60_000) },
      { sessionId: 's1', type: 'message.received', ts: new Date(t0) },
      { sessionId: 's1', type: 'message.received', ts: new Date(t0 + 300_000) },
      { sessionId: 's2', type: 'page.view', ts: new Date(t0) },
      { sessionId: null, type: 'message.received', ts: new Date(t0) },
    ]);
    expect(sessions).toEqual([
      { sessionId: 's1', durationMs: 300_000, messages: 2 },
      { sessionId: 's2', durationMs: 0, messages: 0 },
    ]);
  });
});
