/** The editor's units <-> the engine's: percent and fractions, an amount of a unit and milliseconds. Pure. */
import { UNIT_LABELS, UNIT_MS, type DurationUnit } from './constants';

/** Percent <-> fraction without binary noise (7 / 100 * 100 = 7.000000000000001). */
const clean = (n: number) => Number(n.toPrecision(12));
export const toFraction = (percent: number) => clean(percent / 100);
export const toPercent = (fraction: number) => clean(fraction * 100);

export function msOf(amount: number, unit: DurationUnit): number {
  return Math.round(amount * UNIT_MS[unit]);
}

/** The largest unit that divides `ms` evenly: 300000 -> { amount: 5, unit: 'm' }. */
export function splitDuration(ms: number): { amount: number; unit: DurationUnit } {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (ms > 0 && ms % UNIT_MS[unit] === 0) return { amount: ms / UNIT_MS[unit], unit };
  }
  return ms > 0 && ms % 1000 === 0
    ? { amount: ms / 1000, unit: 's' }
    : { amount: clean(ms / 1000), unit: 's' };
}

/** "1 minute", "7 days": for messages. */
export function describeMs(ms: number): string {
  const { amount, unit } = splitDuration(ms);
  const word = UNIT_LABELS[unit];
  return `${amount} ${amount === 1 ? word.slice(0, -1) : word}`;
}
