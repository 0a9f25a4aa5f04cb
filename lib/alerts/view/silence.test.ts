import { describe, expect, it } from 'vitest';
import { silencedUntil } from '../engine/silence';
import { silenceScopeText } from './silence';

const NOW = new Date('2030-01-01T12:00:00Z');
const at = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

describe('silences in the UI', () => {
  it('finds the latest end among the silences covering an alert', () => {
    const silences = [
      { ruleId: 'r1', groupKey: null, endsAt: at(1) },
      { ruleId: null, groupKey: null, endsAt: at(3) },
      { ruleId: 'r1', groupKey: 'a', endsAt: at(5) },
      { ruleId: 'r2', groupKey: null, endsAt: at(9) },
      { ruleId: 'r1', groupKey: null, endsAt: at(-1) },
    ];
    expect(silencedUntil(silences, 'r1', 'a', NOW)).toEqual(at(5));
    expect(silencedUntil(silences, 'r1', 'b', NOW)).toEqual(at(3));
    expect(silencedUntil(silences.slice(0, 1), 'r1', '', NOW)).toEqual(at(1));
    expect(silencedUntil([silences[4]!, silences[3]!], 'r1', '', NOW)).toBeNull();
  });

  it('describes what a silence covers', () => {
    expect(silenceScopeText({ ruleId: null, groupKey: null }, null)).toBe('All rules · every group');
    expect(silenceScopeText({ ruleId: 'r', groupKey: '/api/chat' }, 'Error rate above 1%')).toBe(
      'Error rate above 1% · /api/chat',
    );
    expect(silenceScopeText({ ruleId: 'r', groupKey: '' }, null)).toBe('A deleted rule · ungrouped');
  });
});
