import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatTrend,
  formatUsd,
  formatValue,
  NO_DATA,
} from './format';

describe('format', () => {
  it('says "no data" for null, never 0', () => {
    for (const unit of ['ms', 'percent', 'count', 'usd'] as const)
      expect(formatValue(null, unit)).toBe(NO_DATA);
    expect(formatValue(0, 'percent')).toBe('0%');
  });
  it('formats durations across scales', () => {
    expect([formatMs(12.4), formatMs(1234), formatMs(12_345), formatMs(125_000)]).toEqual([
      '12 ms',
      '1.23 s',
      '12.3 s',
      '2.1 min',
    ]);
  });
  it('keeps precision on small rates', () => {
    expect([formatPercent(0.004), formatPercent(0.5), formatPercent(1)]).toEqual(['0.40%', '50.0%', '100%']);
  });
  it('shows low request rates per hour instead of 0.0/min', () => {
    expect([formatValue(5 / 1440, 'rate'), formatValue(3.2, 'rate')]).toEqual(['0.2/h', '3.2/min']);
  });
  it('formats money and counts', () => {
    expect([formatUsd(0.0042), formatUsd(12.5), formatUsd(1234.4)]).toEqual(['$0.0042', '$12.50', '$1,234']);
    expect([formatCount(999), formatCount(12_345), formatCount(2_500_000)]).toEqual(['999', '12.3k', '2.5M']);
  });
  it('shows huge changes as a multiple', () => {
    expect(formatTrend(1753.2)).toBe('+1753×');
  });
  it('labels ticks by range: time, date and time, or date', async () => {
    const { formatTick } = await import('./format');
    const t = '2026-11-21T04:00:00Z';
    expect([formatTick(t, 60_000), formatTick(t, 3_600_000), formatTick(t, 86_400_000)]).toEqual([
      '04:00',
      'Nov 21 04:00',
      'Nov 21',
    ]);
  });
  it('signs trends and returns null without a baseline', () => {
    expect([
      formatTrend(0.05),
      formatTrend(0.125),
      formatTrend(-0.5),
      formatTrend(0),
      formatTrend(null),
    ]).toEqual(['+5.0%', '+13%', '−50%', '±0.0%', null]);
  });
  describe('formatDuration', () => {
    it('writes a span in its two largest units, rounded down', () => {
      expect(formatDuration(42 * 60_000 + 59_000)).toBe('42 min 59 s');
      expect(formatDuration(3 * 3_600_000 + 5 * 60_000 + 59_000)).toBe('3 h 5 min');
      expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000)).toBe('2 d 4 h');
      expect(formatDuration(86_400_000 + 30 * 60_000)).toBe('1 d');
    });
    it('drops a unit that is zero', () => {
      expect([3_600_000, 86_400_000, 7 * 86_400_000, 5 * 60_000].map(formatDuration)).toEqual([
        '1 h',
        '1 d',
        '7 d',
        '5 min',
      ]);
    });
    it('writes rule windows as entered in minutes, hours or days', () => {
      expect([90_000, 5_400_000, 36 * 3_600_000].map(formatDuration)).toEqual([
        '1 min 30 s',
        '1 h 30 min',
        '1 d 12 h',
      ]);
    });
    it('counts seconds under a minute, and never goes below zero', () => {
      expect([59_999, 45_000, 999, 0, -5].map(formatDuration)).toEqual(['59 s', '45 s', '0 s', '0 s', '0 s']);
    });
  });
});
