import { describe, expect, it } from 'vitest';
import { edgesByHour } from './read';

const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);
const w = (from: string, to: string) => ({ from: at(from), to: at(to) });

describe('edgesByHour', () => {
  it('reads an edge that ends on the hour from that hour since its start, one that starts on it until its end', () => {
    expect(edgesByHour([w('10:17:03.250', '11:00:00'), w('14:00:00', '14:00:00.001')])).toEqual({
      hourly: [
        { hour: at('10:00:00'), since: at('10:17:03.250') },
        { hour: at('14:00:00'), until: at('14:00:00.001') },
      ],
      raw: [],
    });
  });

  it('leaves raw an edge inside an hour that touches neither end, or one that crosses an hour', () => {
    const inside = w('10:10:00', '10:50:00');
    const across = w('10:30:00', '11:15:00');
    expect(edgesByHour([inside, across])).toEqual({ hourly: [], raw: [inside, across] });
  });
});
