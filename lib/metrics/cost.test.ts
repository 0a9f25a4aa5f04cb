import { describe, expect, it } from 'vitest';
import { costPerRequest, costPerUser } from './cost';

describe('costPerUser', () => {
  const calls = [
    { userId: 'u1', costUsd: 0.5 },
    { userId: 'u1', costUsd: 0.25 },
    { userId: 'u2', costUsd: 1 },
    { userId: null, costUsd: 3 },
    { userId: 'u3', costUsd: null },
  ];

  it('sums spend per user, most expensive first, leaving out calls without a user or a cost', () => {
    expect(costPerUser(calls)).toEqual([
      { userId: 'u2', costUsd: 1, requests: 1, costPerRequest: 1 },
      { userId: 'u1', costUsd: 0.75, requests: 2, costPerRequest: 0.375 },
    ]);
  });

  it('keeps the top `limit` users', () => {
    expect(costPerUser(calls, 1).map((u) => u.userId)).toEqual(['u2']);
  });
});

describe('costPerRequest', () => {
  it('divides spend by calls, null without calls or without a known cost', () => {
    expect(costPerRequest(1.5, 3)).toBe(0.5);
    expect(costPerRequest(null, 3)).toBeNull();
    expect(costPerRequest(0, 0)).toBeNull();
  });
});
