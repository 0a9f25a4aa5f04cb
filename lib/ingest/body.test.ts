import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { readJsonBody } from './body';
import { BODY_READ_TIMEOUT_MS, MAX_BODY_BYTES } from './limits';

const headers = { 'content-type': 'application/json' };

/** A body that sends one byte of `{"events": [` every `everyMs`, and never ends. */
function dribble(everyMs: number) {
  const state = { cancelled: false };
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = new TextEncoder().encode('{"events": [' + ' '.repeat(10_000));
      let i = 0;
      timer = setInterval(() => controller.enqueue(bytes.subarray(i, ++i)), everyMs);
    },
    cancel() {
      state.cancelled = true;
      clearInterval(timer);
    },
  });
  return { body, state };
}

function post(body: BodyInit, extra: Record<string, string> = {}) {
  return new Request('http://test/api/v1/events', {
    method: 'POST',
    headers: { ...headers, ...extra },
    body,
    duplex: 'half',
  } as RequestInit);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('readJsonBody', () => {
  it('refuses a body dribbled past the deadline, soon after it, and stops reading it', async () => {
    const { body, state } = dribble(20);
    const started = Date.now();
    const error = await readJsonBody(post(body), { deadlineMs: 300 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'bad_request', status: 400 });
    expect((error as Error).message).toBe(
      'The body did not arrive within 0.3 s; send it at once, or send fewer events per request.',
    );
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.cancelled).toBe(true);
  });

  it(`applies the ${BODY_READ_TIMEOUT_MS / 1000} s deadline by default`, async () => {
    vi.useFakeTimers();
    const stalled = new ReadableStream<Uint8Array>({ start: () => {} });
    const reading = readJsonBody(post(stalled)).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(BODY_READ_TIMEOUT_MS - 1);
    let settled = false;
    void reading.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(((await reading) as Error).message).toContain(`within ${BODY_READ_TIMEOUT_MS / 1000} s`);
  });

  it('reads a body that arrives in pieces within the deadline', async () => {
    const text = JSON.stringify({ events: [{ type: 'page.view', path: '/' }] });
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (let i = 0; i < bytes.length; i += 8) {
          controller.enqueue(bytes.subarray(i, i + 8));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        controller.close();
      },
    });
    await expect(readJsonBody(post(body), { deadlineMs: 5_000 })).resolves.toEqual(JSON.parse(text));
  });

  it('still refuses a gzip body that inflates past the limit, with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    await expect(readJsonBody(post(bomb, { 'content-encoding': 'gzip' }))).rejects.toMatchObject({
      status: 413,
    });
  });

  it('parses 5,000 levels of nesting (JSON.parse does not recurse); the event bounds refuse it later', async () => {
    const text = '{"events": [' + '['.repeat(5_000) + ']'.repeat(5_000) + ']}';
    await expect(readJsonBody(post(text))).resolves.toMatchObject({ events: [expect.any(Array)] });
  });

  it('answers a slow sender over a real socket within the deadline', async () => {
    const server = createServer(async (req: IncomingMessage, res) => {
      const request = new Request('http://test/api/v1/events', {
        method: 'POST',
        headers: headers,
        body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
        duplex: 'half',
      } as RequestInit);
      const status = await readJsonBody(request, { deadlineMs: 400 }).then(
        () => 200,
        (error: unknown) => (error instanceof AppError ? error.status : 500),
      );
      res.writeHead(status, { connection: 'close' }).end(String(status));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            'POST /api/v1/events HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
          );
          const timer = setInterval(() => socket.write(' '), 50);
          socket.on('close', () => clearInterval(timer));
        });
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
