import { describe, expect, it } from 'vitest';
import type { SilenceRow } from '@/db/schema';
import { instanceKey, isSilenced } from './silence';

const now = new Date('2026-01-01T12:00:00Z');
const silence = (over: Partial<SilenceRow>): SilenceRow => ({
  projectId: 'p',
  id: 's',
  ruleId: null,
  groupKey: null,
  endsAt: new Date(now.getTime() + 60_000),
  createdBy: null,
  reason: '',
  createdAt: now,
  ...over,
});

describe('isSilenced', () => {
  it('matches every rule and group when rule and group are null', () => {
    expect(isSilenced([silence({})], 'r1', 'claude', now)).toBe(true);
    expect(isSilenced([silence({})], 'r1', null, now)).toBe(true);
  });
  it('matches only its rule and group when it names them', () => {
    const s = silence({ ruleId: 'r1', groupKey: 'claude' });
    expect(isSilenced([s], 'r1', 'claude', now)).toBe(true);
    expect(isSilenced([s], 'r1', 'other', now)).toBe(false);
    expect(isSilenced([s], 'r2', 'claude', now)).toBe(false);
    expect(isSilenced([silence({ ruleId: 'r1', groupKey: '' })], 'r1', null, now)).toBe(true);
  });
  it('ends at its end time, exclusive', () => {
    expect(isSilenced([silence({ endsAt: now })], 'r1', null, now)).toBe(false);
    expect(isSilenced([], 'r1', null, now)).toBe(false);
  });
});

describe('instanceKey', () => {
  it('treats an ungrouped instance as the empty group key', () => {
    expect(instanceKey('r', null)).toBe(instanceKey('r', ''));
    expect(instanceKey('r', 'a')).not.toBe(instanceKey('r', ''));
  });
});
