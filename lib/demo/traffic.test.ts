import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type StampedEvent } from '../client/types';
import { parseEvent } from '../ingest/schema';
import { generateTraffic, scheduleOutages } from './traffic';

const HOUR = 3_600_000;
// A Wednesday, so the day is an ordinary weekday in UTC.
const day = new Date('2025-11-19T00:00:00Z');
const at = (hours: number) => new Date(day.getTime() + hours * HOUR);
const collect = (options: Parameters<typeof generateTraffic>[0]) => [...generateTraffic(options)];
const time = (event: StampedEvent) => Date.parse(String(event.timestamp));

describe('generateTraffic', () => {
  const oneDay = collect({ from: at(0), to: at(24), seed: 7, usersPerDay: 150 });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = collect({ from: at(0), to: at(24), seed: 7, usersPerDay: 150 });
    expect(again).toEqual(oneDay);
    const other = collect({ from: at(0), to: at(24), seed: 8, usersPerDay: 150 });
    expect(other[0]!.id).not.toBe(oneDay[0]!.id);
    expect(other.length).not.toBe(oneDay.length);
  });

  it('yields the same events with the same ids for overlapping ranges, so a re-sent backfill dedupes', () => {
    const late = collect({ from: at(9.5), to: at(30), seed: 7, usersPerDay: 150 });
    const overlap = oneDay.filter((e) => time(e) >= at(9.5).getTime());
    expect(overlap.length).toBeGreaterThan(1000);
    expect(late.slice(0, overlap.length)).toEqual(overlap);
  });

  it('is in time order, inside the range, with unique ids', () => {
    const times = oneDay.map(time);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[0]!).toBeGreaterThanOrEqual(at(0).getTime());
    expect(times[times.length - 1]!).toBeLessThan(at(24).getTime());
    expect(new Set(oneDay.map((e) => e.id)).size).toBe(oneDay.length);
  });

  it('produces all 14 event types, each valid for the ingest API, with cost left to the server', () => {
    expect(new Set(oneDay.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    const now = at(24);
    const invalid = oneDay.map((e, i) => parseEvent(e, i, now, 90)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
    expect(oneDay.some((e) => e.type === 'ai.call' && e.costUsd !== undefined)).toBe(false);
  });

  it('follows a daily rhythm: quiet at night, busy in the afternoon', () => {
    const messagesIn = (fromHour: number) =>
      oneDay.filter(
        (e) =>
          e.type === 'message.received' &&
          time(e) >= at(fromHour).getTime() &&
          time(e) < at(fromHour + 2).getTime(),
      ).length;
    expect(messagesIn(14)).toBeGreaterThan(3 * messagesIn(2));
  });

  it('keeps normal hours healthy: few AI failures, few 5xx, a cache hit rate near 85%', () => {
    const calls = oneDay.filter((e) => e.type === 'ai.call');
    const requests = oneDay.filter((e) => e.type === 'http.request');
    const gets = oneDay.filter((e) => e.type === 'cache' && e.operation === 'get');
    expect(calls.filter((e) => e.status === 'error').length / calls.length).toBeLessThan(0.02);
    expect(requests.filter((e) => e.status >= 500).length / requests.length).toBeLessThan(0.01);
    const hitRate = gets.filter((e) => e.type === 'cache' && e.hit).length / gets.length;
    expect(hitRate).toBeGreaterThan(0.8);
    expect(hitRate).toBeLessThan(0.92);
  });

  it('makes Claude calls fail and 5xx spike inside an outage window, and only there', () => {
    const outage = { start: at(14), end: at(14 + 10 / 60) };
    const events = collect({ from: at(13.5), to: at(15), seed: 7, usersPerDay: 1500, outages: [outage] });
    const inside = (e: StampedEvent) => time(e) >= outage.start.getTime() && time(e) < outage.end.getTime();
    const aiFailureRate = (list: StampedEvent[]) => {
      const calls = list.filter((e) => e.type === 'ai.call');
      return calls.filter((e) => e.status === 'error').length / calls.length;
    };
    const serverErrorRate = (list: StampedEvent[]) => {
      const requests = list.filter((e) => e.type === 'http.request');
      return requests.filter((e) => e.status >= 500).length / requests.length;
    };
    const during = events.filter(inside);
    const outside = events.filter((e) => !inside(e));

    expect(during.filter((e) => e.type === 'ai.call').length).toBeGreaterThan(20);
    expect(aiFailureRate(during)).toBeGreaterThan(0.8);
    expect(aiFailureRate(outside)).toBeLessThan(0.03);
    expect(serverErrorRate(during)).toBeGreaterThan(0.15);
    expect(serverErrorRate(outside)).toBeLessThan(0.02);
    const critical = events.filter((e) => e.type === 'log' && e.level === 'critical');
    expect(critical.length).toBe(10);
    expect(critical.every(inside)).toBe(true);
  });

  it('skews feedback positive', () => {
    const scores = oneDay.flatMap((e) => (e.type === 'feedback' ? [e.score] : []));
    expect(scores.length).toBeGreaterThan(50);
    expect(scores.filter((s) => s >= 4).length / scores.length).toBeGreaterThan(0.6);
    expect(new Set(scores).size).toBe(5);
  });
});

describe('scheduleOutages', () => {
  it('places windows on a fixed grid, whatever the range asked for', () => {
    const week = scheduleOutages({
      from: at(0),
      to: at(24 * 7),
      everyMinutes: 60 * 24,
      durationMinutes: 5,
      seed: 3,
    });
    const shifted = scheduleOutages({
      from: at(30),
      to: at(24 * 7),
      everyMinutes: 60 * 24,
      durationMinutes: 5,
      seed: 3,
    });
    expect(week).toHaveLength(7);
    expect(week.every((o) => o.end.getTime() - o.start.getTime() === 5 * 60_000)).toBe(true);
    expect(week[1]!.start.getTime() - week[0]!.start.getTime()).toBe(24 * HOUR);
    expect(shifted).toEqual(week.filter((o) => o.end > at(30)));
  });
});
