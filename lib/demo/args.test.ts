import { describe, expect, it } from 'vitest';
import { parseDuration, parseSimulateArgs } from './args';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
  });

  it('says what a duration looks like when given something else', () => {
    expect(() => parseDuration('7')).toThrow(/use a number and a unit/);
    expect(() => parseDuration('a week')).toThrow(/use a number and a unit/);
    expect(() => parseDuration('0d')).toThrow(/more than zero/);
  });
});

describe('parseSimulateArgs', () => {
  it('has the documented defaults and takes the key from INIT_API_KEY', () => {
    expect(parseSimulateArgs(['--live'], { INIT_API_KEY: 'k'.repeat(32) })).toEqual({
      url: 'http://localhost:3000',
      key: 'k'.repeat(32),
      backfillMs: undefined,
      live: true,
      usersPerDay: 400,
      outageEveryMinutes: undefined,
      outageMinutes: undefined,
      seed: 1,
      help: false,
    });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    const args = parseSimulateArgs(
      [
        '--url=https://mon.example.com/',
        '--key',
        'abc',
        '--backfill',
        '2d',
        '--rate',
        '50',
        '--outage-every',
        '0',
        '--seed=9',
      ],
      { INIT_API_KEY: 'ignored' },
    );
    expect(args).toMatchObject({
      url: 'https://mon.example.com',
      key: 'abc',
      backfillMs: 2 * 86_400_000,
      live: false,
      usersPerDay: 50,
      outageEveryMinutes: 0,
      seed: 9,
    });
  });

  it('rejects unknown flags and bad numbers with a message naming them', () => {
    expect(() => parseSimulateArgs(['--speed', '3'])).toThrow(/--speed/);
    expect(() => parseSimulateArgs(['--rate', 'lots'])).toThrow(/--rate must be a number/);
    expect(() => parseSimulateArgs(['--url', 'localhost:3000'])).toThrow(/--url must start with http/);
  });
});
