import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client, type ClientError, type ClientOptions, type StampedEvent } from './index';

type Received = { at: number; auth: string | undefined; raw: string; events: StampedEvent[] };
type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

/**
 * A real ingest endpoint on 127.0.0.1: stores ids like the server does (a repeated id is a duplicate)
 * and answers from `script` first, one reply per request, then 200 with honest counts.
 */
class TestServer {
  readonly received: Received[] = [];
  readonly stored = new Set<string>();
  script: Array<Reply | ((events: StampedEvent[]) => Reply)> = [];
  private server: Server | null = null;
  port = 0;

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  ids(request: number): string[] {
    return (this.received[request]?.events ?? []).map((event) => event.id);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method !== 'POST' || req.url !== '/api/v1/events') {
      return send(res, { status: 404, body: { error: { code: 'not_found', message: req.url } } });
    }
    const events = (JSON.parse(raw) as { events: StampedEvent[] }).events;
    this.received.push({ at: Date.now(), auth: req.headers.authorization, raw, events });
    const next = this.script.shift();
    if (next) return send(res, typeof next === 'function' ? next(events) : next);
    let accepted = 0;
    for (const event of events) {
      if (!this.stored.has(event.id)) accepted += 1;
      this.stored.add(event.id);
    }
    send(res, { status: 200, body: { accepted, duplicates: events.length - accepted, rejected: 0 } });
  }
}

function send(res: ServerResponse, reply: Reply) {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
}

const servers: TestServer[] = [];
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(): Promise<TestServer> {
  const server = await new TestServer().start();
  servers.push(server);
  return server;
}

function client(server: TestServer, errors: ClientError[], options: Partial<ClientOptions> = {}): Client {
  const created = createClient({
    url: server.url,
    apiKey: 'test-key-0123456789-0123456789-0123456789',
    flushIntervalMs: 60_000,
    retryBaseMs: 10,
    retryMaxMs: 50,
    onError: (error) => errors.push(error),
    ...options,
  });
  clients.push(created);
  return created;
}

const message = (n: number) => ({ type: 'message.received' as const, messageLength: n, userId: `u${n}` });

async function waitFor(condition: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createClient against a real HTTP server', () => {
  it('sends a batch as soon as batchSize events are queued, with the key and stamped ids', async () => {
    const server = await serve();
    const errors: ClientError[] = [];
    const monitor = client(server, errors, { batchSize: 3 });
    const ids = [1, 2, 3, 4, 5, 6, 7].map((n) => monitor.track(message(n)));

    await waitFor(() => server.received.length === 2);
    expect(server.received.map((r) => r.events.length)).toEqual([3, 3]);
    expect(monitor.stats().queued).toBe(1);
    expect(server.received[0]!.auth).toBe('Bearer test-key-0123456789-0123456789-0123456789');
    const first = server.received[0]!.events[0]!;
    expect(first).toMatchObject({ type: 'message.received', messageLength: 1, userId: 'u1' });
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(first.timestamp).toISOString()).toBe(first.timestamp);

    await monitor.flush();
    expect(server.received.flatMap((r) => r.events.map((e) => e.id))).toEqual(ids);
    expect(monitor.stats()).toMatchObject({ queued: 0, sent: 7, accepted: 7, duplicates: 0, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('keeps the id and timestamp the caller gave', async () => {
    const server = await serve();
    const monitor = client(server, []);
    const id = monitor.track({ ...message(1), id: 'msg-42', timestamp: '2025-01-01T00:00:00.000Z' });
    await monitor.flush();
    expect(id).toBe('msg-42');
    expect(server.received[0]!.events[0]).toMatchObject({
      id: 'msg-42',
      timestamp: '2025-01-01T00:00:00.000Z',
    });
  });

  it('flushes a partial batch on the interval without being asked', async () => {
    const server = await serve();
    const monitor = client(server, [], { batchSize: 100, flushIntervalMs: 100 });
    monitor.track(message(1));
    monitor.track(message(2));
    expect(server.received).toHaveLength(0);
    await waitFor(() => server.received.length === 1);
    expect(server.received[0]!.events).toHaveLength(2);
  });

  it('retries a 503 with backoff and resends the same events with the same ids', async () => {
    const server = await serve();
    server.script = [
      { status: 503, body: { error: { code: 'unavailable', message: 'db down' } } },
      { status: 502 },
    ];
    const errors: ClientError[] = [];
    const monitor = client(server, errors);
    monitor.track(message(1));
    monitor.track(message(2));
    await monitor.flush();

    expect(server.received).toHaveLength(3);
    expect(server.ids(1)).toEqual(server.ids(0));
    expect(server.ids(2)).toEqual(server.ids(0));
    expect(server.received[2]!.raw).toBe(server.received[0]!.raw);
    expect(monitor.stats()).toMatchObject({ requests: 3, retries: 2, accepted: 2, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('waits as long as Retry-After says before retrying', async () => {
    const server = await serve();
    server.script = [
      {
        status: 503,
        headers: { 'retry-after': '1' },
        body: { error: { code: 'unavailable', message: 'x' } },
      },
    ];
    const monitor = client(server, [], { retryBaseMs: 1, retryMaxMs: 5 });
    monitor.track(message(1));
    await monitor.flush();

    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.at - server.received[0]!.at).toBeGreaterThanOrEqual(990);
    expect(monitor.stats().accepted).toBe(1);
  });

  it('treats 429 as back-pressure: waits, retries, and reports nothing', async () => {
    const server = await serve();
    const tooMany = {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'rate_limited', message: 'slow down' } },
    };
    server.script = [tooMany];
    const errors: ClientError[] = [];
    const monitor = client(server, errors, { batchSize: 2, retryBaseMs: 1 });
    monitor.track(message(1));
    monitor.track(message(2));
    monitor.track(message(3));
    await monitor.flush();

    expect(server.received.map((r) => r.events.length)).toEqual([2, 2, 1]);
    expect(server.received[1]!.at - server.received[0]!.at).toBeGreaterThanOrEqual(990);
    expect(server.ids(1)).toEqual(server.ids(0));
    expect(monitor.stats()).toMatchObject({ accepted: 3, retries: 1, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('survives the server going away and delivers once it is back', async () => {
    const server = await serve();
    const port = server.port;
    await server.stop();
    const errors: ClientError[] = [];
    const monitor = client(server, errors, { retryBaseMs: 50, retryMaxMs: 100, maxRetries: 50 });
    monitor.track(message(1));
    const flushed = monitor.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(monitor.stats().inFlight).toBe(1);
    await server.start(port);
    await flushed;

    expect(monitor.stats().retries).toBeGreaterThanOrEqual(1);
    expect(monitor.stats()).toMatchObject({ accepted: 1, failed: 0, inFlight: 0 });
    expect(server.received).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('gives up after maxRetries, reports it, and the next batch still goes', async () => {
    const server = await serve();
    server.script = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const errors: ClientError[] = [];
    const monitor = client(server, errors, { maxRetries: 2 });
    monitor.track(message(1));
    await monitor.flush();
    monitor.track(message(2));
    await monitor.flush();

    expect(errors.map((e) => e.code)).toEqual(['retries_exhausted']);
    expect(errors[0]!.info).toMatchObject({ status: 500, eventIds: server.ids(0) });
    expect(monitor.stats()).toMatchObject({ requests: 4, failed: 1, accepted: 1 });
  });

  it('never throws into the caller', async () => {
    const server = await serve();
    server.script = [{ status: 500 }];
    const errors: ClientError[] = [];
    const monitor = client(server, errors, { maxRetries: 0 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    expect(() => monitor.track({ ...message(1), metadata: circular })).not.toThrow();
    expect(() => monitor.track(null as never)).not.toThrow();
    monitor.track(message(2));
    await expect(monitor.flush()).resolves.toBeUndefined();
    const throwing = client(server, [], {
      onError: () => {
        throw new Error('bad hook');
      },
    });
    expect(() => throwing.track(undefined as never)).not.toThrow();
    await monitor.close();
    expect(monitor.track(message(3))).toBeUndefined();

    expect(errors.map((e) => e.code)).toEqual([
      'invalid_event',
      'invalid_event',
      'retries_exhausted',
      'closed',
    ]);
    expect(monitor.stats()).toMatchObject({ dropped: 3, failed: 1 });
  });

  it('on 207 keeps the accepted events, drops the rejected ones and reports them by id', async () => {
    const server = await serve();
    server.script = [
      (events) => ({
        status: 207,
        body: {
          accepted: 2,
          duplicates: 0,
          rejected: 1,
          errors: [{ index: 1, id: events[1]!.id, message: 'durationMs: required' }],
        },
      }),
    ];
    const errors: ClientError[] = [];
    const monitor = client(server, errors);
    monitor.track({ type: 'ai.call', model: 'claude-haiku-4-5', durationMs: 800 });
    const bad = monitor.track({ type: 'ai.call', model: 'claude-haiku-4-5' } as never);
    monitor.track({ type: 'ai.call', model: 'claude-haiku-4-5', durationMs: 900 });
    await monitor.flush();

    expect(server.received).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('rejected');
    expect(errors[0]!.info.eventIds).toEqual([bad]);
    expect(errors[0]!.message).toContain('durationMs: required');
    expect(monitor.stats()).toMatchObject({ sent: 3, accepted: 2, rejected: 1, failed: 0 });
  });

  it.each([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [413, 'payload_too_large'],
  ] as const)('does not retry a %i and reports it as %s', async (status, code) => {
    const server = await serve();
    server.script = [{ status, body: { error: { code, message: `server says ${status}` } } }];
    const errors: ClientError[] = [];
    const monitor = client(server, errors);
    monitor.track(message(1));
    await monitor.flush();

    expect(server.received).toHaveLength(1);
    expect(errors.map((e) => [e.code, e.info.status])).toEqual([[code, status]]);
    expect(errors[0]!.message).toContain(`server says ${status}`);
    expect(monitor.stats()).toMatchObject({ failed: 1, retries: 0 });
  });

  it('counts duplicates the server reports when the same id is sent twice', async () => {
    const server = await serve();
    const monitor = client(server, []);
    monitor.track({ ...message(1), id: 'same' });
    await monitor.flush();
    monitor.track({ ...message(1), id: 'same' });
    await monitor.flush();
    expect(monitor.stats()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('bounds the queue by dropping the oldest events', async () => {
    const server = await serve();
    const errors: ClientError[] = [];
    const monitor = client(server, errors, { batchSize: 1000, maxQueue: 5 });
    const ids = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => monitor.track(message(n)));
    expect(monitor.stats()).toMatchObject({ queued: 5, dropped: 3 });
    await monitor.flush();

    expect(server.ids(0)).toEqual(ids.slice(3));
    expect(errors.map((e) => e.code)).toEqual(['queue_overflow']);
  });

  it('splits a batch so no request body exceeds 4 MiB', async () => {
    const server = await serve();
    const monitor = client(server, [], { batchSize: 1000 });
    const blob = 'x'.repeat(1024 * 1024);
    for (let n = 0; n < 7; n += 1) monitor.track({ ...message(n), metadata: { blob } });
    await monitor.flush();

    expect(server.received.map((r) => r.events.length)).toEqual([3, 3, 1]);
    expect(Math.max(...server.received.map((r) => Buffer.byteLength(r.raw)))).toBeLessThanOrEqual(
      4 * 1024 * 1024,
    );
  });

  it('close() sends what is left', async () => {
    const server = await serve();
    const monitor = client(server, []);
    monitor.track(message(1));
    expect(server.received).toHaveLength(0);
    await monitor.close();
    expect(server.received).toHaveLength(1);
  });
});
