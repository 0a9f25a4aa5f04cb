import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, rawRows, type DbHandle } from '@/db/client';
import {
  HISTOGRAM_FLOOR,
  HISTOGRAM_GAMMA,
  HISTOGRAM_MAX_BIN,
  HISTOGRAM_RELATIVE_ERROR,
  binOf,
  binSql,
  binValue,
} from '@/lib/metrics/histogram';
import { random } from './backends';

const postgresUrl = process.env.DATABASE_URL;
const LN_FLOOR = Math.log(HISTOGRAM_FLOOR);
const LN_GAMMA = Math.log(HISTOGRAM_GAMMA);

/** Deterministic uniform [0, 1) (mulberry32), so a failure replays. */

/** ~10,000 values: random magnitudes and latencies, some values computed as floor·gamma^k, extremes, null. */
function sampleValues(): (number | null)[] {
  const next = random(7);
  const values: (number | null)[] = [];
  for (let i = 0; i < 4_000; i++) values.push((next() < 0.3 ? -1 : 1) * 10 ** (-12 + 320 * next()));
  for (let i = 0; i < 3_000; i++) values.push(Math.round(60_000 * next() ** 3 * 1000) / 1000);
  values.push(...boundaries(15));
  values.push(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, HISTOGRAM_FLOOR);
  values.push(-HISTOGRAM_FLOOR, HISTOGRAM_FLOOR * (1 + 2 ** -52), -HISTOGRAM_FLOOR * (1 + 2 ** -52));
  values.push(1, 2, 1000, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, null);
  return values;
}

/** floor·gamma^k computed two ways, for every `step`-th k, negated for odd k. */
function boundaries(step: number): number[] {
  const values: number[] = [];
  for (let k = 1; k < HISTOGRAM_MAX_BIN; k += step) {
    const sign = k % 2 ? -1 : 1;
    const byPower = HISTOGRAM_FLOOR * HISTOGRAM_GAMMA ** k;
    values.push(sign * Math.exp(LN_FLOOR + k * LN_GAMMA));
    if (byPower < Infinity) values.push(sign * byPower);
  }
  return values;
}

/** A float8[] literal that Postgres parses back to exactly these doubles (String(x) is the shortest exact text). */
function float8Array(values: readonly (number | null)[]) {
  const text = (v: number | null) => (v === null ? 'NULL' : Object.is(v, -0) ? '-0' : String(v));
  return `{${values.map(text).join(',')}}`;
}

describe.each([
  { backend: 'PGlite', open: () => openDb({ dir: 'memory://' }), enabled: true },
  { backend: 'Postgres', open: () => openDb({ url: postgresUrl }), enabled: postgresUrl !== undefined },
])('binSql on $backend', ({ open, enabled }) => {
  let handle: DbHandle | undefined;
  afterAll(() => handle?.close());

  /** One query: each value and its bin as computed by binSql('v'). */
  async function binsInSql(values: readonly (number | null)[]) {
    handle ??= open();
    const rows = await rawRows<{ v: number | null; bin: number | null }>(
      await handle.db,
      sql`select v, ${sql.raw(binSql('v'))} as bin
          from unnest(${float8Array(values)}::float8[]) with ordinality as t(v, i) order by i`,
    );
    expect(rows.map((r) => r.v)).toEqual(values);
    return rows.map((r) => r.bin);
  }

  it.runIf(enabled)(
    'gives exactly binOf for random, boundary, extreme, zero, negative and null values',
    async () => {
      const values = sampleValues();
      expect(values.length).toBeGreaterThan(9_000);
      const bins = await binsInSql(values);
      const mismatches = values
        .map((v, i) => ({ v, sql: bins[i], js: v === null ? null : binOf(v) }))
        .filter((m) => m.sql !== m.js);
      expect(mismatches).toEqual([]);
      expect(bins.at(-1)).toBeNull();
      expect(bins.slice(-3, -1)).toEqual([HISTOGRAM_MAX_BIN, -HISTOGRAM_MAX_BIN]);
    },
  );

  // Math.log and Postgres' ln differ in the last bit for ~0.05% of inputs: without the 1e-9 edge shift of
  // binOf, -5.302019630163615e+227 (k = 27253) lands in different bins here.
  it.runIf(enabled)(
    'gives exactly binOf for floor·gamma^k at every k, where rounding is closest to an edge',
    async () => {
      const values = boundaries(1);
      const bins = await binsInSql(values);
      expect(values.filter((v, i) => bins[i] !== binOf(v))).toEqual([]);
    },
  );

  // The one place JS and SQL may round apart: within ~1e-12 of a true bin edge floor·gamma^(k + 1e-9).
  it.runIf(enabled)(
    'differs from binOf by at most one bin at the true bin edges, within the error bound',
    async () => {
      const values: number[] = [];
      for (let k = 1; k < HISTOGRAM_MAX_BIN; k += 7) values.push(Math.exp(LN_FLOOR + (k + 1e-9) * LN_GAMMA));
      const bins = await binsInSql(values);
      values.forEach((v, i) => {
        const bin = bins[i]!;
        expect(Math.abs(bin - binOf(v))).toBeLessThanOrEqual(1);
        expect(Math.abs(binValue(bin) - v)).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR * (1 + 1e-9) * v);
      });
    },
  );

  it.runIf(enabled)('gives null for NaN and reads int and numeric expressions as float8', async () => {
    handle ??= open();
    const [row] = await rawRows<{ nan: number | null; int: number; numeric: number }>(
      await handle.db,
      sql.raw(
        `select ${binSql(`'NaN'`)} as nan, ${binSql('250::int')} as int, ${binSql('-0.5::numeric')} as numeric`,
      ),
    );
    expect(row).toEqual({ nan: null, int: binOf(250), numeric: binOf(-0.5) });
  });
});
