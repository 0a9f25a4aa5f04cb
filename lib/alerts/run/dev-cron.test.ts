import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startDevCron } from './dev-cron';

describe('startDevCron', () => {
  const calls: { url: string | undefined; auth: string | undefined }[] = [];
  const server = createServer((req, res) => {
    calls.push({ url: req.url, auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"transitions":0}');
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('calls the cron route with the secret after start-up, then every minute, once per process', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    try {
      expect(startDevCron({ port: () => port, secret: 's3cret' })).toBe(true);
      expect(startDevCron({ port: () => port, secret: 's3cret' })).toBe(false);
      await vi.advanceTimersByTimeAsync(14_000);
      expect(calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.waitFor(() => expect(calls).toHaveLength(1));
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(() => expect(calls).toHaveLength(2));
      expect(calls[0]).toEqual({ url: '/api/cron/alerts', auth: 'Bearer s3cret' });
    } finally {
      vi.useRealTimers();
    }
  });
});
