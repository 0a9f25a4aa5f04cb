import { parseArgs } from 'node:util';

export const SIMULATE_USAGE = `Usage: npm run simulate -- [options]

Sends realistic AI-chat traffic to a dashboard through POST /api/v1/events.

  --url URL            dashboard base URL (default http://localhost:3000)
  --key KEY            API key with the ingest scope (default $INIT_API_KEY)
  --backfill DURATION  first send the past DURATION of traffic, e.g. 90m, 12h, 7d
  --live               then keep sending current traffic until Ctrl-C
  --rate N             simulated daily active users; every volume scales with it (default 400)
  --outage-every M     a Claude outage every M minutes (default: live 60, backfill every 2 days; 0 = none)
  --outage-minutes D   length of each outage (default 3; 6 for the backfill's default ones)
  --seed S             traffic seed; the same seed gives the same events and ids (default 1)
  -h, --help           show this help`;

export type SimulateArgs = {
  url: string;
  key: string | undefined;
  backfillMs: number | undefined;
  live: boolean;
  usersPerDay: number;
  outageEveryMinutes: number | undefined;
  outageMinutes: number | undefined;
  seed: number;
  help: boolean;
};

const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90m`, `12h`, `7d`, `30s` to milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration; use a number and a unit: 30m, 12h, 7d`);
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
  if (ms <= 0) throw new Error(`duration "${text}" must be more than zero`);
  return ms;
}

export function parseSimulateArgs(
  argv: string[],
  env: Record<string, string | undefined> = {},
): SimulateArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
      key: { type: 'string' },
      backfill: { type: 'string' },
      live: { type: 'boolean', default: false },
      rate: { type: 'string', default: '400' },
      'outage-every': { type: 'string' },
      'outage-minutes': { type: 'string' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (!/^https?:\/\//.test(values.url))
    throw new Error(`--url must start with http:// or https:// (got "${values.url}")`);
  return {
    url: values.url.replace(/\/+$/, ''),
    key: values.key ?? (env.INIT_API_KEY || undefined),
    backfillMs: values.backfill === undefined ? undefined : parseDuration(values.backfill),
    live: values.live,
    usersPerDay: number('--rate', values.rate, 1),
    outageEveryMinutes:
      values['outage-every'] === undefined ? undefined : number('--outage-every', values['outage-every'], 0),
    outageMinutes:
      values['outage-minutes'] === undefined
        ? undefined
        : number('--outage-minutes', values['outage-minutes'], 1),
    seed: number('--seed', values.seed, 0),
    help: values.help,
  };
}

function number(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || text.trim() === '') {
    throw new Error(`${flag} must be a number >= ${min} (got "${text}")`);
  }
  return value;
}
