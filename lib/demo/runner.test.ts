import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type StampedEvent } from '../client';
import { planOutages, runBackfill, runLive } from './runner';

type Batch = { receivedAt: number; events: StampedEvent[] };

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** A real endpoint that stores ids once, as the ingest API does, or always answers `failWith`. */
async function ingestServer(failWith?: number) {
  const stored = new Set<string>();
  const batches: Batch[] = [];
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: StampedEvent[] };
    batches.push({ receivedAt: Date.now(), events });
    if (failWith) {
      res.writeHead(failWith, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'unavailable', message: 'database unreachable' } }));
    }
    const accepted = events.filter((e) => !stored.has(e.id)).length;
    for (const event of events) stored.add(event.id);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accepted, duplicates: events.length - accepted, rejected: 0 }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, stored, batches };
}

const HOUR = 3_600_000;
const traffic = { seed: 5, usersPerDay: 60 };

describe('runBackfill', () => {
  it('sends the newest day first, in batches of at most 1000, and a second run is all duplicates', async () => {
    const { url, stored, batches } = await ingestServer();
    const to = new Date('2025-11-20T12:00:00Z');
    const from = new Date(to.getTime() - 36 * HOUR);
    const errors: string[] = [];
    const run = async () => {
      const client = createClient({
        url,
        apiKey: 'k',
        batchSize: 1000,
        onError: (e) => errors.push(e.message),
      });
      const done = await runBackfill({ client, traffic, outages: [], from, to, batchSize: 1000 });
      await client.close();
      return done;
    };

    const first = await run();
    expect(first.generated).toBeGreaterThan(3000);
    expect(first).toMatchObject({
      sent: first.generated,
      accepted: first.generated,
      duplicates: 0,
      queued: 0,
    });
    expect(stored.size).toBe(first.generated);
    expect(Math.max(...batches.map((b) => b.events.length))).toBe(1000);
    const firstTime = Date.parse(String(batches[0]!.events[0]!.timestamp));
    const lastTime = Date.parse(String(batches.at(-1)!.events.at(-1)!.timestamp));
    expect(firstTime).toBeGreaterThanOrEqual(to.getTime() - 24 * HOUR);
    expect(lastTime).toBeLessThan(to.getTime() - 24 * HOUR);

    const second = await run();
    expect(second).toMatchObject({ accepted: 0, duplicates: first.generated });
    expect(stored.size).toBe(first.generated);
    expect(errors).toEqual([]);
  });
});

describe('runBackfill against a failing server', () => {
  const to = new Date('2025-11-20T12:00:00Z');
  const from = new Date(to.getTime() - 7 * 24 * HOUR);

  it('stops after three rounds of given-up batches, instead of failing through the whole range', async () => {
    const { url, batches } = await ingestServer(500);
    const client = createClient({ url, apiKey: 'k', batchSize: 1000, maxRetries: 0, onError: () => {} });
    const done = await runBackfill({ client, traffic, outages: [], from, to, batchSize: 1000 });

    // Each round waits for the batch in flight and the next one, so three failed rounds are up to six batches.
    expect(done.complete).toBe(false);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.length).toBeLessThanOrEqual(6);
    expect(done.failed).toBe(batches.length * 1000);
    expect(done.generated).toBeLessThan(8000);
  });

  it('returns promptly when aborted while a batch is still being retried', async () => {
    const { url } = await ingestServer(503);
    const client = createClient({ url, apiKey: 'k', batchSize: 1000, retryBaseMs: 5000, onError: () => {} });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const done = await runBackfill({
      client,
      traffic,
      outages: [],
      from,
      to,
      batchSize: 1000,
      signal: controller.signal,
    });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(done).toMatchObject({ complete: false, accepted: 0 });
  });
});

describe('runLive', () => {
  it('sends events once their time has come, never ahead of the clock, until aborted', async () => {
    const { url, batches } = await ingestServer();
    const client = createClient({ url, apiKey: 'k', flushIntervalMs: 50 });
    const controller = new AbortController();
    const start = new Date(Date.now() - 10 * 60_000);
    const running = runLive({
      client,
      traffic: { ...traffic, usersPerDay: 3000 },
      outages: [],
      start,
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    controller.abort();
    const done = await running;
    await client.close();

    expect(done.generated).toBeGreaterThan(50);
    const events = batches.flatMap((b) =>
      b.events.map((e) => ({ t: Date.parse(String(e.timestamp)), receivedAt: b.receivedAt })),
    );
    expect(events).toHaveLength(done.generated);
    expect(events.every((e) => e.t >= start.getTime() && e.t <= e.receivedAt)).toBe(true);
  });
});

describe('planOutages', () => {
  it('uses the sparse plan before now and the frequent one after', () => {
    const now = new Date('2025-11-20T12:00:00Z');
    const outages = planOutages(
      new Date(now.getTime() - 7 * 24 * HOUR),
      now,
      {
        backfillEveryMinutes: 2 * 24 * 60,
        backfillMinutes: 6,
        liveEveryMinutes: 60,
        liveMinutes: 3,
      },
      1,
    );
    const past = outages.filter((o) => o.start < now);
    expect(past.length).toBeGreaterThanOrEqual(3);
    expect(past.length).toBeLessThanOrEqual(4);
    expect(past.every((o) => o.end.getTime() - o.start.getTime() === 6 * 60_000)).toBe(true);
    const nextDay = outages.filter((o) => o.start >= now && o.start.getTime() < now.getTime() + 24 * HOUR);
    expect(nextDay).toHaveLength(24);
    expect(nextDay.every((o) => o.end.getTime() - o.start.getTime() === 3 * 60_000)).toBe(true);
  });
});
