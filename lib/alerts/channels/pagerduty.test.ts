import { describe, expect, it } from 'vitest';
import {
  buildPagerDutyEvent,
  pagerDutyDedupKey,
  pagerDutyEnqueueUrl,
  pagerDutySeverity,
  sendPagerDuty,
} from './pagerduty';
import { resolvedOf, sampleNotification } from './test-fixtures';

describe('pagerduty', () => {
  it('maps severities P1..P4 to critical, error, warning, info', () => {
    expect((['P1', 'P2', 'P3', 'P4'] as const).map(pagerDutySeverity)).toEqual([
      'critical',
      'error',
      'warning',
      'info',
    ]);
  });

  it('builds a trigger event with summary, source, severity and custom details', () => {
    const e = buildPagerDutyEvent('RKEY', sampleNotification({ group: 'claude-sonnet' }));
    expect(e.event_action).toBe('trigger');
    if (e.event_action !== 'trigger') throw new Error('unreachable');
    expect(e.routing_key).toBe('RKEY');
    expect(e.dedup_key).toBe('chatwatch:demo:error-rate:all:1740830400000');
    expect(e.payload).toMatchObject({
      summary: '[P1] FIRING: Error rate > 1% (Demo shop)',
      source: 'chatwatch/demo',
      severity: 'critical',
      timestamp: '2026-03-01T12:00:00.000Z',
      component: 'claude-sonnet',
      class: 'error-rate',
      custom_details: {
        value: 0.0423,
        threshold: 0.01,
        window: '5m',
        group: 'claude-sonnet',
        state: 'firing',
      },
    });
    expect(e.links.map((l) => l.href)).toEqual([
      'http://localhost:3000/p/demo/alerts/42',
      'http://localhost:3000/p/demo',
    ]);
  });

  it('resolves with the same dedup key and no payload', () => {
    const n = sampleNotification();
    const trigger = buildPagerDutyEvent('RKEY', n);
    const resolve = buildPagerDutyEvent('RKEY', resolvedOf(n));
    expect(resolve).toEqual({ routing_key: 'RKEY', event_action: 'resolve', dedup_key: trigger.dedup_key });
  });

  it('keeps long dedup keys stable and within 255 characters', () => {
    const n = sampleNotification({ dedupKey: 'x'.repeat(400) });
    const k = pagerDutyDedupKey(n);
    expect(k.length).toBeLessThanOrEqual(255);
    expect(pagerDutyDedupKey({ ...n })).toBe(k);
    expect(pagerDutyDedupKey(sampleNotification({ dedupKey: 'y'.repeat(400) }))).not.toBe(k);
  });

  it('builds the enqueue URL from the base, default events.pagerduty.com', () => {
    expect(pagerDutyEnqueueUrl()).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(pagerDutyEnqueueUrl('http://127.0.0.1:9999/')).toBe('http://127.0.0.1:9999/v2/enqueue');
  });

  it('never puts the routing key in an error text', async () => {
    const fetch = async () =>
      new Response(JSON.stringify({ status: 'invalid event', message: 'bad key SECRETKEY123' }), {
        status: 400,
      });
    const r = await sendPagerDuty(
      { routingKey: 'SECRETKEY123', eventsUrl: 'http://pd.test' },
      sampleNotification(),
      { fetch },
    );
    expect(r).toMatchObject({ ok: false, status: 400, retryable: false });
    expect(r.error).toContain('HTTP 400');
    expect(r.error).not.toContain('SECRETKEY123');
  });

  it('refuses to send without a routing key', async () => {
    const r = await sendPagerDuty({ routingKey: '' }, sampleNotification(), {
      fetch: async () => new Response(null, { status: 202 }),
    });
    expect(r).toMatchObject({ ok: false, retryable: false });
  });

  it('carries hostile event text as plain JSON strings, unchanged', () => {
    const hostile = '<https://evil.example|click> <!channel> "q" </script>&amp;';
    const e = buildPagerDutyEvent(
      'RKEY',
      sampleNotification({ group: hostile, project: { slug: 'demo', name: hostile } }),
    );
    if (e.event_action !== 'trigger') throw new Error('unreachable');
    const parsed = JSON.parse(JSON.stringify(e)) as typeof e;
    expect(parsed.payload.component).toBe(hostile);
    expect(parsed.payload.custom_details.group).toBe(hostile);
    expect(parsed.payload.summary).toBe(`[P1] FIRING: Error rate > 1% (${hostile})`);
  });

  it('keeps the status of a refused event, never the text PagerDuty sent back', async () => {
    const fetch = async () =>
      new Response(
        JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: ['x'] }),
        { status: 400 },
      );
    const r = await sendPagerDuty(
      { routingKey: 'R0UTINGKEY00000000', eventsUrl: 'https://pd.example.com' },
      sampleNotification(),
      { fetch },
    );
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      retryable: false,
      error: 'HTTP 400 from https://pd.example.com',
    });
  });
});
