import { createClient } from '../lib/client';
import { SIMULATE_USAGE, parseSimulateArgs, type SimulateArgs } from '../lib/demo/args';
import {
  DEFAULT_OUTAGES,
  formatProgress,
  planOutages,
  printClientErrors,
  runBackfill,
  runLive,
  type OutagePlan,
} from '../lib/demo/runner';

const BATCH_SIZE = 1000;
const CLOSE_DEADLINE_MS = 10_000;

async function main(): Promise<number> {
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  if (!args.key) {
    console.error('No API key: pass --key KEY or set INIT_API_KEY.');
    return 2;
  }
  if (args.backfillMs === undefined && !args.live) {
    console.error(`Nothing to do: pass --backfill DURATION, --live, or both.\n\n${SIMULATE_USAGE}`);
    return 2;
  }

  const controller = new AbortController();
  let refused = false;
  let interrupts = 0;
  const stop = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    console.log('\nStopping: sending what is queued (press Ctrl-C again to quit at once)...');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const client = createClient({
    url: args.url,
    apiKey: args.key,
    batchSize: BATCH_SIZE,
    flushIntervalMs: 1000,
    maxQueue: 50_000,
    onError: printClientErrors(console.warn, () => {
      if (!refused)
        console.error(`The server at ${args.url} refused the API key (401): check --key / INIT_API_KEY.`);
      refused = true;
      controller.abort();
    }),
  });

  const now = new Date();
  const from = new Date(now.getTime() - (args.backfillMs ?? 0));
  const outages = planOutages(from, now, outagePlan(args), args.seed);
  const traffic = {
    seed: args.seed,
    usersPerDay: args.usersPerDay,
    utcOffsetMinutes: -now.getTimezoneOffset(),
  };
  const common = { client, traffic, outages, signal: controller.signal };
  console.log(`Simulating ${args.usersPerDay} daily users (seed ${args.seed}) into ${args.url}`);

  if (args.backfillMs !== undefined) {
    console.log(`Backfilling ${from.toISOString()} .. ${now.toISOString()}, newest day first`);
    const done = await runBackfill({
      ...common,
      from,
      to: now,
      batchSize: BATCH_SIZE,
      onProgress: (p) => console.log(formatProgress('backfill', p)),
    });
    console.log(
      `Backfill ${controller.signal.aborted ? 'interrupted' : done.complete ? 'done' : 'stopped: the server keeps failing batches'}: ${done.generated.toLocaleString('en-US')} events generated`,
    );
  }
  if (args.live && !controller.signal.aborted) {
    const upcoming = outages.find((o) => o.end > new Date());
    console.log(
      `Live traffic until Ctrl-C${upcoming ? `; next simulated Claude outage at ${upcoming.start.toLocaleTimeString()}` : ''}`,
    );
    await runLive({
      ...common,
      start: now,
      progressEveryMs: 15_000,
      onProgress: (p) => console.log(formatProgress('live', p)),
    });
  }

  const closed = await Promise.race([
    client.close().then(() => true),
    delay(CLOSE_DEADLINE_MS).then(() => false),
  ]);
  if (!closed)
    console.warn(`Gave up waiting for the last ${client.stats().queued + client.stats().inFlight} events.`);
  const final = client.stats();
  console.log(formatProgress('total', final));
  return refused || final.failed > 0 ? 1 : 0;
}

function outagePlan(args: SimulateArgs): OutagePlan {
  if (args.outageEveryMinutes === undefined) {
    const minutes = args.outageMinutes;
    return minutes === undefined
      ? DEFAULT_OUTAGES
      : { ...DEFAULT_OUTAGES, backfillMinutes: minutes, liveMinutes: minutes };
  }
  const minutes = args.outageMinutes ?? 3;
  return {
    backfillEveryMinutes: args.outageEveryMinutes,
    backfillMinutes: minutes,
    liveEveryMinutes: args.outageEveryMinutes,
    liveMinutes: minutes,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
