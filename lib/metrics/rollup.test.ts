import { describe, expect, it } from 'vitest';
import { splitByHour } from './rollup';

const at = (time: string) => new Date(`2025-01-01T${time}Z`);
const w = (from: string, to: string) => ({ from: at(from), to: at(to) });

describe('splitByHour', () => {
  it('reads whole hours from the rollup and the partial edges raw', () => {
    expect(splitByHour(at('10:15:00'), at('13:30:00'))).toEqual({
      hours: w('11:00:00', '13:00:00'),
      raw: [w('10:15:00', '11:00:00'), w('13:00:00', '13:30:00')],
    });
  });

  it('needs no raw part for an hour-aligned range', () => {
    expect(splitByHour(at('10:00:00'), at('12:00:00'))).toEqual({
      hours: w('10:00:00', '12:00:00'),
      raw: [],
    });
    expect(splitByHour(at('10:15:00'), at('12:00:00'))).toEqual({
      hours: w('11:00:00', '12:00:00'),
      raw: [w('10:15:00', '11:00:00')],
    });
  });

  it('reads a range without a whole hour entirely raw', () => {
    expect(splitByHour(at('10:15:00'), at('10:45:00'))).toEqual({
      hours: null,
      raw: [w('10:15:00', '10:45:00')],
    });
    expect(splitByHour(at('10:15:00'), at('11:30:00'))).toEqual({
      hours: null,
      raw: [w('10:15:00', '11:30:00')],
    });
    expect(splitByHour(at('10:15:00'), at('10:15:00'))).toEqual({ hours: null, raw: [] });
  });
});
