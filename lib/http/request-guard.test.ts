import { describe, expect, it } from 'vitest';
import { checkRequest, rejectionResponse, type GuardInput } from './request-guard';

const APP = 'https://dash.example.com';
type Over = Omit<Partial<GuardInput>, 'headers'> & { headers?: Record<string, string> };
const input = (over: Over = {}): GuardInput => ({
  method: 'GET',
  rawPath: '/',
  appOrigin: APP,
  acceptHostOrigin: false,
  ...over,
  headers: new Headers(over.headers ?? {}),
});
const action = (headers: Record<string, string>, over: Omit<Over, 'headers'> = {}) =>
  checkRequest(
    input({
      method: 'POST',
      rawPath: '/settings',
      headers: { 'next-action': 'abc123', ...headers },
      ...over,
    }),
  );

describe('checkRequest: percent-encoding', () => {
  it('refuses paths that do not decode as UTF-8, on pages and APIs alike', () => {
    for (const rawPath of [
      '/api/v1/stats/%FF',
      '/status/%C0%AF',
      '/%E0%A4%A',
      '/api/health/%',
      '/status/a%00b',
    ]) {
      expect(checkRequest(input({ rawPath })), rawPath).toMatchObject({ status: 400 });
    }
  });

  it('lets well-formed encodings through', () => {
    for (const rawPath of [
      '/status/caf%C3%A9',
      '/api/v1/stats/overview',
      '/a%2Fb',
      '/_next/static/chunks/x.js',
    ]) {
      expect(checkRequest(input({ rawPath })), rawPath).toBeNull();
    }
  });
});

describe('checkRequest: cross-origin server actions', () => {
  it('refuses a server action or form post from a foreign or opaque origin', () => {
    expect(action({ origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(action({ origin: 'null' })).toMatchObject({ status: 403 });
    expect(action({ origin: 'http://dash.example.com' })).toMatchObject({ status: 403 });
    const form = { origin: 'https://evil.example', 'content-type': 'multipart/form-data; boundary=x' };
    expect(checkRequest(input({ method: 'POST', rawPath: '/alerts', headers: form }))).toMatchObject({
      status: 403,
    });
  });

  it("accepts the app's own origin, and requests without Origin (not sent by a browser)", () => {
    expect(action({ origin: APP })).toBeNull();
    expect(action({})).toBeNull();
  });

  it('matches the Host header only when no public origin is configured', () => {
    const local = { origin: 'http://127.0.0.1:3100', host: '127.0.0.1:3100' };
    expect(action(local, { appOrigin: 'http://localhost:3100', acceptHostOrigin: true })).toBeNull();
    expect(action(local, { appOrigin: APP, acceptHostOrigin: false })).toMatchObject({ status: 403 });
    expect(
      action({ origin: 'https://evil.example', host: 'localhost:3100' }, { acceptHostOrigin: true }),
    ).toMatchObject({ status: 403 });
  });

  it('leaves API routes alone: they authenticate with keys, not cookies', () => {
    expect(action({ origin: 'https://evil.example' }, { rawPath: '/api/v1/events' })).toBeNull();
  });
});

describe('rejectionResponse', () => {
  it('answers JSON with a code under /api and short text on pages', async () => {
    const api = rejectionResponse({ status: 400, message: 'bad' }, '/api/v1/stats/%FF');
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: { code: 'bad_request', message: 'bad' } });
    const page = rejectionResponse({ status: 403, message: 'no' }, '/settings');
    expect(page.headers.get('content-type')).toContain('text/plain');
    expect(await page.text()).toBe('no\n');
  });
});
