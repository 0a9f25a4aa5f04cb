import { describe, expect, it } from 'vitest';
import { isRetryableStatus, postJson } from './http';
import { UNRESTRICTED_REACH } from './reach';

describe('postJson', () => {
  it('classifies statuses', () => {
    expect([200, 202, 400, 401, 404, 408, 429, 500, 503].map(isRetryableStatus)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it('times out through the abort signal', async () => {
    const fetch = (_u: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const r = await postJson({ url: 'http://x.test/a', body: '{}' }, { fetch, timeoutMs: 20 });
    expect(r).toMatchObject({ ok: false, retryable: true, error: 'timeout after 20 ms' });
  });

  it('keeps the status of a refusal, never the body the receiver sent', async () => {
    const fetch = async () => new Response('bad token TOPSECRET, see https://evil.test', { status: 403 });
    const r = await postJson({ url: 'http://x.test/a', body: '{}', secrets: ['TOPSECRET'] }, { fetch });
    expect(r).toMatchObject({
      ok: false,
      status: 403,
      retryable: false,
      error: 'HTTP 403 from http://x.test',
    });
    expect(JSON.stringify(r)).not.toMatch(/bad token|evil/);
  });

  it('asks fetch not to follow redirects and counts a 3xx as a failure', async () => {
    const seen: RequestInit[] = [];
    const fetch = async (_u: string, init: RequestInit) => {
      seen.push(init);
      return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } });
    };
    const r = await postJson({ url: 'https://hooks.example.com/a', body: '{}' }, { fetch });
    expect(seen[0]?.redirect).toBe('manual');
    expect(r).toMatchObject({
      ok: false,
      status: 302,
      retryable: false,
      error: 'HTTP 302 from https://hooks.example.com: redirects are not followed',
    });
  });

  it('refuses a literal private address before calling fetch, unless the policy allows it', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('ok');
    };
    const r = await postJson({ url: 'http://0xa9.254.169.254/latest?k=SECRET', body: '{}' }, { fetch });
    expect(r).toMatchObject({
      ok: false,
      retryable: false,
      error: 'refused: 169.254.169.254 is a link-local address; allow it with CHANNEL_ALLOWED_HOSTS',
    });
    expect(calls).toBe(0);
    expect(
      await postJson({ url: 'http://169.254.169.254/', body: '{}' }, { fetch, reach: UNRESTRICTED_REACH }),
    ).toMatchObject({ ok: true });
    expect(calls).toBe(1);
  });
});
