import { describe, expect, it } from 'vitest';
import { parseAuditFilter } from './filter';

const now = new Date('2026-12-02T12:00:00Z');

describe('parseAuditFilter', () => {
  it('reads actor, action and a UTC window from datetime-local values', () => {
    const { filter, problems } = parseAuditFilter(
      { actor: ' ana@ ', action: 'access.', from: '2026-12-01T10:00', to: '2026-12-02' },
      now,
    );
    expect(problems).toEqual([]);
    expect(filter).toEqual({
      actor: 'ana@',
      action: 'access.',
      from: new Date('2026-12-01T10:00:00Z'),
      to: new Date('2026-12-02T00:00:00Z'),
    });
  });

  it('drops hostile or impossible values with a message each', () => {
    const { filter, problems } = parseAuditFilter(
      { actor: 'a\u0000b', action: 'x'.repeat(201), from: '0001-01-01', to: '99999999999999' },
      now,
    );
    expect(filter).toEqual({ actor: null, action: null, from: null, to: null });
    expect(problems).toHaveLength(4);
  });

  it('refuses an inverted window and keeps its start', () => {
    const { filter, problems } = parseAuditFilter({ from: '2026-12-02', to: '2026-12-01' }, now);
    expect(filter.from).toEqual(new Date('2026-12-02T00:00:00Z'));
    expect(filter.to).toBeNull();
    expect(problems).toEqual(['"from" must be before "to".']);
  });

  it('takes the first of repeated parameters and ignores empty ones', () => {
    expect(parseAuditFilter({ actor: ['bo', 'x'], action: '' }, now).filter).toMatchObject({
      actor: 'bo',
      action: null,
    });
  });
});
