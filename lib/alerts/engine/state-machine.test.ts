import { describe, expect, it } from 'vitest';
import { isNotifiable, nextInstanceState } from './state-machine';
import type { InstanceState, VerdictState } from './types';

const t0 = new Date('2026-11-22T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const prev = (state: InstanceState, since = t0) => ({ state, since });
const v = (state: VerdictState) => ({ state });

describe('nextInstanceState', () => {
  it('forMs = 0 fires on the first breach, from nothing or from ok', () => {
    expect(nextInstanceState(null, v('breaching'), 0, t0)).toEqual({
      state: 'firing',
      since: t0,
      transition: { from: 'ok', to: 'firing' },
    });
    expect(nextInstanceState(prev('ok'), v('breaching'), 0, at(1)).transition).toEqual({
      from: 'ok',
      to: 'firing',
    });
  });
  it('forMs > 0 goes pending, stays pending until forMs has elapsed, then fires', () => {
    const p = nextInstanceState(prev('ok'), v('breaching'), 600_000, t0);
    expect(p).toEqual({ state: 'pending', since: t0, transition: { from: 'ok', to: 'pending' } });
    expect(nextInstanceState(p, v('breaching'), 600_000, at(599_999))).toEqual({
      state: 'pending',
      since: t0,
      transition: null,
    });
    expect(nextInstanceState(p, v('breaching'), 600_000, at(600_000))).toEqual({
      state: 'firing',
      since: at(600_000),
      transition: { from: 'pending', to: 'firing' },
    });
  });
  it('a breach shorter than forMs goes back to ok without firing', () => {
    expect(nextInstanceState(prev('pending'), v('ok'), 600_000, at(300_000))).toMatchObject({
      state: 'ok',
      transition: { from: 'pending', to: 'ok' },
    });
  });
  it('firing stays firing while breaching, keeping its since', () => {
    expect(nextInstanceState(prev('firing'), v('breaching'), 0, at(5_000))).toEqual({
      state: 'firing',
      since: t0,
      transition: null,
    });
  });
  it('firing -> resolved on ok, then resolved -> ok', () => {
    const r = nextInstanceState(prev('firing'), v('ok'), 0, at(1000));
    expect(r).toEqual({ state: 'resolved', since: at(1000), transition: { from: 'firing', to: 'resolved' } });
    expect(nextInstanceState(r, v('ok'), 0, at(2000))).toMatchObject({
      state: 'ok',
      transition: { from: 'resolved', to: 'ok' },
    });
  });
  it('resolved re-fires on a new breach', () => {
    expect(nextInstanceState(prev('resolved'), v('breaching'), 0, at(1)).transition).toEqual({
      from: 'resolved',
      to: 'firing',
    });
    expect(nextInstanceState(prev('resolved'), v('breaching'), 60_000, at(1)).state).toBe('pending');
  });
  it('no data never resolves a firing alert', () => {
    expect(nextInstanceState(prev('firing'), v('no_data'), 0, at(1))).toEqual({
      state: 'firing',
      since: t0,
      transition: null,
    });
  });
  it('no data is its own state otherwise; pending loses its clock', () => {
    expect(nextInstanceState(null, v('no_data'), 0, t0).transition).toEqual({ from: 'ok', to: 'no_data' });
    expect(nextInstanceState(prev('pending'), v('no_data'), 60_000, at(1)).state).toBe('no_data');
    expect(nextInstanceState(prev('resolved'), v('no_data'), 0, at(1)).state).toBe('no_data');
    expect(nextInstanceState(prev('no_data'), v('no_data'), 0, at(1)).transition).toBeNull();
    expect(nextInstanceState(prev('no_data'), v('ok'), 0, at(1)).transition).toEqual({
      from: 'no_data',
      to: 'ok',
    });
    expect(nextInstanceState(prev('no_data'), v('breaching'), 60_000, at(1)).state).toBe('pending');
  });
  it('ok stays ok without a transition', () => {
    expect(nextInstanceState(null, v('ok'), 0, t0)).toEqual({ state: 'ok', since: t0, transition: null });
    expect(nextInstanceState(prev('ok'), v('ok'), 0, at(1))).toEqual({
      state: 'ok',
      since: t0,
      transition: null,
    });
  });
  it('a firing alert without data for a day resolves, counted from its last data', () => {
    const H = 3_600_000;
    const firing = { state: 'firing' as const, since: t0 };
    const lastData = new Date(t0.getTime() + 2 * H);
    expect(
      nextInstanceState(firing, v('no_data'), 0, new Date(lastData.getTime() + 24 * H - 1), {
        dataAt: lastData,
      }).state,
    ).toBe('firing');
    expect(
      nextInstanceState(firing, v('no_data'), 0, new Date(lastData.getTime() + 24 * H), { dataAt: lastData }),
    ).toMatchObject({
      state: 'resolved',
      transition: { from: 'firing', to: 'resolved' },
    });
    // Unknown last data: the firing start stands in; a shorter limit applies when given.
    expect(
      nextInstanceState(firing, v('no_data'), 0, new Date(t0.getTime() + H), { noDataResolveMs: H }).state,
    ).toBe('resolved');
    // Data that still breaches never resolves, however old the alert.
    expect(
      nextInstanceState(firing, v('breaching'), 0, new Date(t0.getTime() + 72 * H), { dataAt: t0 }).state,
    ).toBe('firing');
  });
  it('isNotifiable: into firing and firing -> resolved only', () => {
    expect(isNotifiable({ from: 'pending', to: 'firing' })).toBe(true);
    expect(isNotifiable({ from: 'firing', to: 'resolved' })).toBe(true);
    expect(isNotifiable({ from: 'ok', to: 'pending' })).toBe(false);
    expect(isNotifiable({ from: 'resolved', to: 'ok' })).toBe(false);
    expect(isNotifiable(null)).toBe(false);
  });
});
