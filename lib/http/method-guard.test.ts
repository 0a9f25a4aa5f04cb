import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuseUnservableMethods } from './method-guard';

/** A real HTTP server standing in for Next: it answers 500 to TRACE, as Next does. */
let server: http.Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  refuseUnservableMethods();
  refuseUnservableMethods();
  server = http.createServer((req, res) => {
    seen.push(req.method ?? '');
    res.writeHead(req.method === 'TRACE' ? 500 : 200).end('next');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function send(
  method: string,
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('refuseUnservableMethods', () => {
  it('answers TRACE with 405 and Allow before the application sees it', async () => {
    const page = await send('TRACE', '/settings');
    expect(page).toMatchObject({ status: 405, body: '' });
    expect(page.headers.allow).toBe('GET, HEAD, POST');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const api = await send('TRACE', '/api/health');
    expect(api.status).toBe(405);
    expect(api.headers.allow).toContain('OPTIONS');
    expect(seen).not.toContain('TRACE');
  });

  it('passes every other method through once, however often it was installed', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND']) {
      expect((await send(method, '/')).body, method).toBe('next');
    }
    expect(seen).toEqual(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND']);
  });
});
