import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOGS_PARAMS, parseLogsQuery } from '@/app/api/v1/stats/logs/schema';
import { parseStatsQuery, STATS_PARAMS } from '@/app/api/v1/stats/[dashboard]/schema';

/** The README's documented read-API parameters and examples are the code's: docs and code cannot drift. */
const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');

function documented(table: string): string[] {
  const match = new RegExp(`<!-- params:${table} -->([\\s\\S]*?)<!-- /params:${table} -->`).exec(readme);
  if (!match) throw new Error(`README has no params:${table} table`);
  return match[1]!
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

function examples(route: string): URLSearchParams[] {
  return [...readme.matchAll(/"http:\/\/localhost:3000(\/api\/v1\/stats\/[a-z]+)\?([^"]*)"/g)]
    .filter((m) => (route === 'logs' ? m[1] === '/api/v1/stats/logs' : m[1] !== '/api/v1/stats/logs'))
    .map((m) => new URLSearchParams(m[2]));
}

describe('README read API', () => {
  it('documents exactly the parameters the dashboards API accepts', () => {
    expect(documented('stats').sort()).toEqual([...STATS_PARAMS].sort());
  });

  it('documents exactly the parameters the logs API accepts', () => {
    expect(documented('logs').sort()).toEqual([...LOGS_PARAMS].sort());
  });

  it('has examples the APIs parse as written', () => {
    const stats = examples('stats');
    const logs = examples('logs');
    expect(stats.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    for (const params of stats) expect(() => parseStatsQuery(params)).not.toThrow();
    for (const params of logs) {
      const { query } = parseLogsQuery(params);
      expect(query.userId ?? query.levels?.length).toBeTruthy();
    }
  });

  it('refuses the names an older README documented, pointing to the real ones', () => {
    for (const [old, real] of [
      ['userId', 'user'],
      ['traceId', 'trace'],
      ['text', 'q'],
    ] as const) {
      expect(() => parseLogsQuery(new URLSearchParams({ [old]: 'x' }))).toThrow(real);
    }
  });
});
