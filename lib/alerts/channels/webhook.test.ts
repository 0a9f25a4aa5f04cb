import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolvedOf, sampleNotification } from './test-fixtures';
import { buildWebhookPayload, sendWebhook, signWebhookBody } from './webhook';

describe('webhook', () => {
  it('carries rule, severity, state, value, threshold, window and links', () => {
    expect(buildWebhookPayload(sampleNotification())).toEqual({
      version: 1,
      kind: 'firing',
      state: 'firing',
      severity: 'P1',
      rule: { key: 'error-rate', name: 'Error rate > 1%' },
      value: 0.0423,
      threshold: 0.01,
      window: '5m',
      group: null,
      startedAt: '2026-03-01T12:00:00.000Z',
      resolvedAt: null,
      dedupKey: 'chatwatch:demo:error-rate:all:1740830400000',
      project: { slug: 'demo', name: 'Demo shop' },
      links: { dashboard: 'http://localhost:3000/p/demo', alert: 'http://localhost:3000/p/demo/alerts/42' },
    });
    expect(buildWebhookPayload(resolvedOf(sampleNotification()))).toMatchObject({
      kind: 'resolved',
      resolvedAt: '2026-03-01T12:20:00.000Z',
    });
  });

  it('signs the exact body with HMAC-SHA256', () => {
    const body = '{"a":1}';
    expect(signWebhookBody(body, 's3cret')).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`,
    );
  });

  it('sends the signature header only when a secret is configured', async () => {
    const seen: Array<Headers> = [];
    const fetch = async (_u: string, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return new Response('ok');
    };
    await sendWebhook({ url: 'http://hook.test/x' }, sampleNotification(), { fetch });
    await sendWebhook({ url: 'http://hook.test/x', secret: 'k' }, sampleNotification(), { fetch });
    expect(seen[0]?.get('x-chatwatch-signature')).toBeNull();
    expect(seen[1]?.get('x-chatwatch-signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('hides the URL path and query in errors and rejects bad URLs without throwing', async () => {
    const fetch = async () => {
      throw new TypeError('fetch failed for http://hook.test/path?token=abc');
    };
    const r = await sendWebhook({ url: 'http://hook.test/path?token=abc' }, sampleNotification(), { fetch });
    expect(r).toMatchObject({ ok: false, retryable: true });
    expect(r.error).not.toContain('token=abc');
    expect(r.error).toContain('http://hook.test');
    expect(await sendWebhook({ url: 'not a url' }, sampleNotification())).toMatchObject({
      ok: false,
      retryable: false,
      error: 'invalid receiver URL',
    });
    expect(await sendWebhook({ url: 'ftp://x/y' }, sampleNotification())).toMatchObject({
      ok: false,
      retryable: false,
    });
  });

  it('carries hostile event text as plain JSON strings, unchanged', async () => {
    const hostile = '<https://evil.example|click> <!channel> "quoted" \\ </script>&amp;\u2028';
    const bodies: string[] = [];
    const fetch = async (_u: string, init: RequestInit) => {
      bodies.push(String(init.body));
      return new Response(null, { status: 204 });
    };
    await sendWebhook(
      { url: 'https://hook.example.com/x' },
      sampleNotification({ group: hostile, ruleName: hostile }),
      { fetch },
    );
    const parsed = JSON.parse(bodies[0]!) as { group: string; rule: { name: string } };
    expect(parsed.group).toBe(hostile);
    expect(parsed.rule.name).toBe(hostile);
    expect(bodies[0]).not.toContain('&lt;');
  });
});
