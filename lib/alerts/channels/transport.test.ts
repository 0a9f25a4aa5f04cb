/**
 * postJson through its real transport against real HTTP servers on loopback: the status and the time are
 * kept, the body never; redirects are refused; loopback is reachable only when allowed, whatever the spelling,
 * and a name is checked on the addresses the connection itself gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from './http';
import { parseAllowedHosts, STRICT_REACH, type Lookup, type ReachPolicy } from './reach';
import { sampleNotification } from './test-fixtures';
import { sendSlack } from './slack';
import { sendWebhook } from './webhook';

type Hit = { path: string; host: string | undefined; body: string };
const hits: Hit[] = [];
const elsewhereHits: Hit[] = [];
const BODY_SECRET = 'RECEIVER-BODY-7f3a: internal stack trace at /srv/app';

function recording(into: Hit[], answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      into.push({
        path: req.url ?? '',
        host: req.headers.host,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(req, res);
    });
  });
}

let elsewhere: http.Server;
let receiver: http.Server;
let port = 0;
let elsewherePort = 0;

const listen = (s: http.Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  elsewhere = recording(elsewhereHits, (_req, res) => res.writeHead(200).end('ok'));
  elsewherePort = await listen(elsewhere);
  receiver = recording(hits, (req, res) => {
    const path = req.url ?? '';
    if (path.startsWith('/redirect'))
      return res
        .writeHead(Number(path.split('/')[2] ?? 302), {
          location: `http://127.0.0.1:${elsewherePort}/stolen`,
        })
        .end();
    if (path.startsWith('/fail'))
      return res.writeHead(500, { 'content-type': 'text/plain' }).end(BODY_SECRET);
    if (path.startsWith('/forbidden'))
      return res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: BODY_SECRET }));
    res.writeHead(200, { 'content-type': 'text/plain' }).end(BODY_SECRET);
  });
  port = await listen(receiver);
});

afterAll(async () => {
  receiver.closeAllConnections();
  elsewhere.closeAllConnections();
  await Promise.all([receiver, elsewhere].map((s) => new Promise((r) => s.close(r))));
});

beforeEach(() => {
  hits.length = 0;
  elsewhereHits.length = 0;
});

const loopback: ReachPolicy = { allowedHosts: parseAllowedHosts('127.0.0.1') };
const post = (url: string, reach: ReachPolicy = loopback, lookup?: Lookup) =>
  postJson({ url, body: '{"a":1}' }, { reach, timeoutMs: 2000, ...(lookup ? { lookup } : {}) });

describe('what a delivery keeps', () => {
  it('keeps status and time of a success, nothing of the body', async () => {
    const r = await post(`http://127.0.0.1:${port}/ok`);
    expect(Object.keys(r).sort()).toEqual(['durationMs', 'ok', 'retryable', 'status']);
    expect(r).toMatchObject({ ok: true, status: 200, retryable: false });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(hits).toEqual([{ path: '/ok', host: `127.0.0.1:${port}`, body: '{"a":1}' }]);
  });

  it.each([
    ['/fail', 500, true],
    ['/forbidden', 403, false],
  ])('a failure (%s) names the status and the origin, never the body', async (path, status, retryable) => {
    const r = await post(`http://127.0.0.1:${port}${path}?token=q-secret`);
    expect(r).toMatchObject({
      ok: false,
      status,
      retryable,
      error: `HTTP ${status} from http://127.0.0.1:${port}`,
    });
    expect(JSON.stringify(r)).not.toContain('RECEIVER-BODY');
    expect(JSON.stringify(r)).not.toContain('q-secret');
  });

  it.each([301, 302, 303, 307, 308])('a %i redirect is a failure and is not followed', async (status) => {
    const r = await post(`http://127.0.0.1:${port}/redirect/${status}`);
    expect(r).toMatchObject({
      ok: false,
      status,
      retryable: false,
      error: `HTTP ${status} from http://127.0.0.1:${port}: redirects are not followed`,
    });
    expect(hits).toHaveLength(1);
    expect(elsewhereHits).toEqual([]);
  });

  it('the channel senders behave the same: a Slack redirect is refused, a webhook failure keeps no body', async () => {
    const slack = await sendSlack(
      { webhookUrl: `http://127.0.0.1:${port}/redirect/302` },
      sampleNotification(),
      { reach: loopback },
    );
    expect(slack).toMatchObject({
      ok: false,
      status: 302,
      error: expect.stringContaining('redirects are not followed'),
    });
    const hook = await sendWebhook({ url: `http://127.0.0.1:${port}/fail` }, sampleNotification(), {
      reach: loopback,
    });
    expect(hook).toMatchObject({ ok: false, status: 500, error: `HTTP 500 from http://127.0.0.1:${port}` });
    expect(elsewhereHits).toEqual([]);
  });
});

describe('where a delivery may go', () => {
  it.each([
    (p: number) => `http://127.0.0.1:${p}/hook`,
    (p: number) => `http://127.1:${p}/hook`,
    (p: number) => `http://2130706433:${p}/hook`,
    (p: number) => `http://0x7f.0.0.1:${p}/hook`,
    (p: number) => `http://0177.0.0.1:${p}/hook`,
    (p: number) => `http://[::ffff:127.0.0.1]:${p}/hook`,
    (p: number) => `http://localhost:${p}/hook`,
    (p: number) => `http://0.0.0.0:${p}/hook`,
  ])('refuses loopback by default, without connecting: %#', async (url) => {
    const r = await post(url(port), STRICT_REACH);
    expect(r).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/^refused: .* address; allow it with CHANNEL_ALLOWED_HOSTS$/),
    });
    expect(hits).toEqual([]);
  });

  it('reaches loopback when CHANNEL_ALLOWED_HOSTS allows it, in another spelling too', async () => {
    expect(await post(`http://2130706433:${port}/a`)).toMatchObject({ ok: true, status: 200 });
    expect(
      await post(`http://127.0.0.1:${port}/b`, { allowedHosts: parseAllowedHosts(`127.0.0.1:${port}`) }),
    ).toMatchObject({ ok: true });
    expect(
      await post(`http://127.0.0.1:${port}/c`, { allowedHosts: parseAllowedHosts('127.0.0.1:1') }),
    ).toMatchObject({ ok: false });
    expect(hits.map((h) => h.path)).toEqual(['/a', '/b']);
  });

  it('checks the addresses the connection itself resolves, once per send', async () => {
    let asked = 0;
    const lookup =
      (addresses: string[]): Lookup =>
      async () => {
        asked++;
        return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      };
    const url = `http://hooks.example.test:${port}/named`;
    // A name that resolves to loopback, alone or among public addresses, is refused before any byte is sent.
    expect(await post(url, STRICT_REACH, lookup(['127.0.0.1']))).toMatchObject({
      ok: false,
      retryable: false,
      error:
        'refused: hooks.example.test (resolves to 127.0.0.1) is a loopback address; allow it with CHANNEL_ALLOWED_HOSTS',
    });
    expect(await post(url, STRICT_REACH, lookup(['93.184.216.34', '127.0.0.1']))).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(hits).toEqual([]);
    expect(asked).toBe(2);
    // Allowed by name: the connection goes to the address the same lookup answered.
    const named: ReachPolicy = { allowedHosts: parseAllowedHosts('hooks.example.test') };
    expect(await post(url, named, lookup(['127.0.0.1']))).toMatchObject({ ok: true, status: 200 });
    expect(hits).toEqual([{ path: '/named', host: `hooks.example.test:${port}`, body: '{"a":1}' }]);
    expect(asked).toBe(3);
  });

  it('a name that does not resolve is a retryable failure', async () => {
    const nowhere: Lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await post(`http://nowhere.example.test:${port}/`, STRICT_REACH, nowhere)).toMatchObject({
      ok: false,
      retryable: true,
      error: 'request to http://nowhere.example.test:' + port + ' failed: ENOTFOUND',
    });
  });
});
