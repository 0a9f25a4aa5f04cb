import { describe, expect, it } from 'vitest';
import { isRetryableStatus, postJson } from './http';

describe('postJson', () => {
  it('classifies statuses', () => {
    expect([200, 202, 400, 401, 404, 408, 429, 500, 503].map(isRetryableStatus)).toEqual([false, false, false, false, false, true, true, true, true]);
  });

  it('times out through the abort signal', async () => {
    const fetch = (_u: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const r = await postJson({ url: 'http://x.test/a', body: '{}' }, { fetch, timeoutMs: 20 });
    expect(r).toMatchObject({ ok: false, retryable: true, error: 'timeout after 20 ms' });
  });

  it('redacts secrets echoed in a response body', async () => {
    const fetch = async () => new Response('bad token TOPSECRET', { status: 403 });
    const r = await postJson({ url: 'http://x.test/a', body: '{}', secrets: ['TOPSECRET'] }, { fetch });
    expect(r).toMatchObject({ ok: false, status: 403, retryable: false, error: 'HTTP 403 from http://x.test: bad token ***' });
  });
});
