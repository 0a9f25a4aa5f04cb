/**
 * The alert channels against real receivers on loopback: a node:http server standing in for the
 * generic webhook, Slack and PagerDuty, a server that never answers, and a real SMTP server.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deliver,
  parseAllowedHosts,
  sendEmail,
  sendPagerDuty,
  sendSlack,
  sendWebhook,
  type ReachPolicy,
} from '@/lib/alerts/channels';
import { resolvedOf, sampleNotification } from '@/lib/alerts/channels/test-fixtures';

interface Captured {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  json: unknown;
}

const captured: Captured[] = [];
/** The receivers listen on loopback, which channels reach only when allowed (as CHANNEL_ALLOWED_HOSTS does). */
const reach: ReachPolicy = { allowedHosts: parseAllowedHosts('127.0.0.1') };
/** Status answered per path; 200 by default (202 for the PagerDuty endpoint). */
const statusFor = new Map<string, number>();
let receiver: http.Server;
let hanging: http.Server;
const hangingSockets = new Set<net.Socket>();
let base = '';
let hangingBase = '';

function listen(server: http.Server | net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}
function close(server: { close(cb: (err?: Error) => void): unknown }): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        /* not JSON */
      }
      const path = req.url ?? '';
      captured.push({ method: req.method ?? '', path, headers: req.headers, raw, json });
      const status = statusFor.get(path) ?? (path === '/v2/enqueue' ? 202 : 200);
      if (path === '/v2/enqueue') {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          status === 202
            ? JSON.stringify({
                status: 'success',
                message: 'Event processed',
                dedup_key: (json as { dedup_key?: string }).dedup_key,
              })
            : JSON.stringify({
                status: 'invalid event',
                message: 'Event object is invalid',
                errors: ['Length of routing_key is incorrect'],
              }),
        );
      } else {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status < 300 ? 'ok' : 'no');
      }
    });
  });
  base = `http://127.0.0.1:${await listen(receiver)}`;

  // accepts the request and never answers
  hanging = http.createServer(() => undefined);
  hanging.on('connection', (s) => {
    hangingSockets.add(s);
    s.on('close', () => hangingSockets.delete(s));
  });
  hangingBase = `http://127.0.0.1:${await listen(hanging)}`;
});

afterAll(async () => {
  for (const s of hangingSockets) s.destroy();
  await Promise.all([close(receiver), close(hanging)]);
});

beforeEach(() => {
  captured.length = 0;
  statusFor.clear();
});

describe('generic webhook', () => {
  it('POSTs the notification as JSON, signed when a secret is set', async () => {
    const n = sampleNotification();
    const r = await sendWebhook({ url: `${base}/webhook`, secret: 'hook-secret' }, n, {
      reach,
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ ok: true, status: 200, retryable: false });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(captured).toHaveLength(1);
    const req = captured[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-chatwatch-signature']).toBe(
      `sha256=${createHmac('sha256', 'hook-secret').update(req.raw).digest('hex')}`,
    );
    expect(req.json).toEqual({
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
      dedupKey: n.dedupKey,
      project: { slug: 'demo', name: 'Demo shop' },
      links: { dashboard: 'http://localhost:3000/p/demo', alert: 'http://localhost:3000/p/demo/alerts/42' },
    });
  });

  it('sends no signature without a secret', async () => {
    expect(await sendWebhook({ url: `${base}/webhook` }, sampleNotification(), { reach })).toMatchObject({
      ok: true,
    });
    expect(captured[0]?.headers['x-chatwatch-signature']).toBeUndefined();
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [400, false],
    [404, false],
  ])(
    'answers %i as a failure, retryable=%s, without the URL query in the error',
    async (status, retryable) => {
      statusFor.set('/webhook?token=q-secret', status);
      const r = await sendWebhook({ url: `${base}/webhook?token=q-secret` }, sampleNotification(), { reach });
      expect(r).toMatchObject({ ok: false, status, retryable });
      expect(r.error).toContain(`HTTP ${status}`);
      expect(r.error).not.toContain('q-secret');
      expect(r.error).not.toContain('/webhook');
    },
  );
});

describe('slack incoming webhook', () => {
  const slackPath = '/services/T000/B000/XXXXSECRET';

  it('posts text and blocks; resolved says RESOLVED', async () => {
    const n = sampleNotification({ group: 'claude-sonnet' });
    expect(await sendSlack({ webhookUrl: `${base}${slackPath}` }, n, { reach })).toMatchObject({
      ok: true,
      status: 200,
    });
    expect(await sendSlack({ webhookUrl: `${base}${slackPath}` }, resolvedOf(n), { reach })).toMatchObject({
      ok: true,
      status: 200,
    });
    expect(captured.map((c) => c.path)).toEqual([slackPath, slackPath]);
    const [firing, resolved] = captured.map(
      (c) => c.json as { text: string; blocks: Array<Record<string, unknown>> },
    );
    expect(firing?.text).toContain('[P1] FIRING: Error rate &gt; 1% (Demo shop)');
    expect(firing?.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: '[P1] FIRING: Error rate &gt; 1%', emoji: false } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Value*\n0.0423', verbatim: true },
          { type: 'mrkdwn', text: '*Threshold*\n0.01', verbatim: true },
          { type: 'mrkdwn', text: '*Window*\n5m', verbatim: true },
          { type: 'mrkdwn', text: '*Group*\nclaude-sonnet', verbatim: true },
        ],
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'Demo shop · Started 2026-03-01T12:00:00.000Z', verbatim: true },
          {
            type: 'mrkdwn',
            text: '<http://localhost:3000/p/demo/alerts/42|Alert> · <http://localhost:3000/p/demo|Dashboard>',
            verbatim: true,
          },
        ],
      },
    ]);
    expect(resolved?.text).toContain('[P1] RESOLVED: Error rate &gt; 1%');
    expect(resolved?.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[P1] RESOLVED: Error rate &gt; 1%', emoji: false },
    });
  });

  it('delivers hostile event text escaped: no link, no mention, no unfurl', async () => {
    const hostile = '<https://evil.example|click> <!channel>';
    expect(
      await sendSlack({ webhookUrl: `${base}${slackPath}` }, sampleNotification({ group: hostile }), {
        reach,
      }),
    ).toMatchObject({ ok: true });
    const raw = captured[0]!.raw;
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<https://evil');
    expect(raw).toContain('&lt;https://evil.example|click&gt; &lt;!channel&gt;');
    expect(captured[0]!.json).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });

  it('keeps the webhook path out of errors', async () => {
    statusFor.set(slackPath, 500);
    const r = await sendSlack({ webhookUrl: `${base}${slackPath}` }, sampleNotification(), { reach });
    expect(r).toMatchObject({ ok: false, status: 500, retryable: true });
    expect(r.error).not.toContain('XXXXSECRET');
  });
});

describe('pagerduty events API v2', () => {
  const routingKey = 'R0UTINGKEY0000000000000000000000';

  it('triggers and resolves with the same dedup key; 202 is success', async () => {
    const n = sampleNotification({ severity: 'P2' });
    const t = await sendPagerDuty({ routingKey, eventsUrl: base }, n, { reach });
    const r = await deliver({ type: 'pagerduty', routingKey, eventsUrl: `${base}/` }, resolvedOf(n), {
      reach,
    });
    expect(t).toMatchObject({ ok: true, status: 202, retryable: false });
    expect(r).toMatchObject({ ok: true, status: 202 });
    expect(captured.map((c) => [c.method, c.path])).toEqual([
      ['POST', '/v2/enqueue'],
      ['POST', '/v2/enqueue'],
    ]);
    const [trigger, resolve] = captured.map((c) => c.json as Record<string, unknown>);
    expect(trigger).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: n.dedupKey,
      payload: {
        summary: '[P2] FIRING: Error rate > 1% (Demo shop)',
        source: 'chatwatch/demo',
        severity: 'error',
        timestamp: '2026-03-01T12:00:00.000Z',
        group: 'demo',
        class: 'error-rate',
        custom_details: {
          rule: 'Error rate > 1%',
          rule_key: 'error-rate',
          severity: 'P2',
          state: 'firing',
          value: 0.0423,
          threshold: 0.01,
          window: '5m',
          group: null,
          project: 'Demo shop',
          started_at: '2026-03-01T12:00:00.000Z',
        },
      },
      client: 'Chatwatch',
      client_url: 'http://localhost:3000/p/demo',
      links: [
        { href: 'http://localhost:3000/p/demo/alerts/42', text: 'Alert in Chatwatch' },
        { href: 'http://localhost:3000/p/demo', text: 'Dashboard' },
      ],
    });
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: n.dedupKey });
  });

  it.each([
    [429, true],
    [500, true],
    [502, true],
    [400, false],
  ])('answers %i as a failure, retryable=%s, never naming the routing key', async (status, retryable) => {
    statusFor.set('/v2/enqueue', status);
    const r = await sendPagerDuty({ routingKey, eventsUrl: base }, sampleNotification(), { reach });
    expect(r).toMatchObject({ ok: false, status, retryable });
    expect(r.error).not.toContain(routingKey);
    // What PagerDuty answered stays with PagerDuty: only the status is kept.
    expect(r.error).toBe(`HTTP ${status} from ${base}`);
  });
});

describe('reach', () => {
  it('without CHANNEL_ALLOWED_HOSTS no channel reaches the loopback receivers, and nothing arrives', async () => {
    const results = await Promise.all([
      sendWebhook({ url: `${base}/webhook` }, sampleNotification()),
      sendSlack(
        { webhookUrl: base.replace('127.0.0.1', '2130706433') + '/services/x' },
        sampleNotification(),
      ),
      sendPagerDuty(
        { routingKey: 'k'.repeat(32), eventsUrl: base.replace('127.0.0.1', 'localhost') },
        sampleNotification(),
      ),
      deliver({ type: 'email', smtpUrl: 'smtp://u:p@[::1]:25', to: ['a@example.com'] }, sampleNotification()),
    ]);
    for (const r of results)
      expect(r).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/^refused: .*loopback address/),
      });
    expect(captured).toEqual([]);
  });
});

describe('timeouts and unreachable receivers', () => {
  it('a receiver that never answers yields a retryable timeout', async () => {
    const started = Date.now();
    const results = await Promise.all([
      sendWebhook({ url: `${hangingBase}/webhook` }, sampleNotification(), { reach, timeoutMs: 300 }),
      sendSlack({ webhookUrl: `${hangingBase}/services/x` }, sampleNotification(), { reach, timeoutMs: 300 }),
      sendPagerDuty({ routingKey: 'k'.repeat(32), eventsUrl: hangingBase }, sampleNotification(), {
        reach,
        timeoutMs: 300,
      }),
    ]);
    for (const r of results)
      expect(r).toMatchObject({ ok: false, retryable: true, error: 'timeout after 300 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a closed port yields a retryable connection failure', async () => {
    const s = net.createServer();
    const port = await listen(s);
    await close(s);
    const r = await sendWebhook({ url: `http://127.0.0.1:${port}/hook?key=abc123` }, sampleNotification(), {
      reach,
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ ok: false, retryable: true });
    expect(r.error).toContain('ECONNREFUSED');
    expect(r.error).not.toContain('abc123');
  });
});

describe('email over SMTP', () => {
  interface Mail {
    from: string;
    to: string[];
    raw: string;
    user: string | undefined;
  }
  const mails: Mail[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;

  beforeAll(async () => {
    smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts' && auth.password === 'p@ss word') cb(null, { user: auth.username });
        else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    smtpPort = await new Promise<number>((resolve) => {
      smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port));
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  beforeEach(() => {
    mails.length = 0;
  });

  const smtpUrl = () => `smtp://alerts:${encodeURIComponent('p@ss word')}@127.0.0.1:${smtpPort}`;

  it('authenticates and delivers subject, recipients, text and HTML bodies', async () => {
    const n = sampleNotification();
    const r = await sendEmail(
      {
        smtpUrl: smtpUrl(),
        to: ['oncall@example.com', 'lead@example.com'],
        from: 'Chatwatch <alerts@example.com>',
      },
      n,
      { reach, timeoutMs: 3000 },
    );
    expect(r).toMatchObject({ ok: true, retryable: false });
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.user).toBe('alerts');
    expect(m.from).toBe('alerts@example.com');
    expect(m.to).toEqual(['oncall@example.com', 'lead@example.com']);
    expect(m.raw).toMatch(/^Subject: \[P1\] FIRING: Error rate > 1% \(Demo shop\)\r?$/m);
    expect(m.raw).toMatch(/^To: oncall@example\.com, lead@example\.com\r?$/m);
    expect(m.raw).toContain('Content-Type: text/plain');
    expect(m.raw).toContain('Content-Type: text/html');
    expect(m.raw).toContain('Value: 0.0423');
    expect(m.raw).toContain('Alert: http://localhost:3000/p/demo/alerts/42');
  });

  it('says RESOLVED in the subject of a resolved notification', async () => {
    const r = await deliver(
      { type: 'email', smtpUrl: smtpUrl(), to: ['oncall@example.com'] },
      resolvedOf(sampleNotification({ severity: 'P3' })),
      { reach },
    );
    expect(r.ok).toBe(true);
    expect(mails[0]?.raw).toMatch(/^Subject: \[P3\] RESOLVED: Error rate > 1% \(Demo shop\)\r?$/m);
  });

  it('a wrong password is a non-retryable failure that does not reveal the password', async () => {
    const r = await sendEmail(
      { smtpUrl: `smtp://alerts:wrongpass@127.0.0.1:${smtpPort}`, to: ['a@example.com'] },
      sampleNotification(),
      { reach, timeoutMs: 3000 },
    );
    expect(r).toMatchObject({
      ok: false,
      retryable: false,
      status: 535,
      error: 'SMTP EAUTH: server replied 535',
    });
    expect(r.error).not.toContain('wrongpass');
    expect(mails).toHaveLength(0);
  });

  it('a closed port is a retryable failure without the password in the error', async () => {
    const s = net.createServer();
    const port = await listen(s);
    await close(s);
    const r = await sendEmail(
      { smtpUrl: `smtp://alerts:hunter2secret@127.0.0.1:${port}`, to: ['a@example.com'] },
      sampleNotification(),
      { reach, timeoutMs: 2000 },
    );
    expect(r).toMatchObject({ ok: false, retryable: true });
    expect(r.error).toMatch(/^SMTP \w+ \(ECONNREFUSED\)$/);
    expect(r.error).not.toContain('hunter2secret');
  });

  it('a server that never greets yields a retryable timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    const port = await listen(silent);
    try {
      const started = Date.now();
      const r = await sendEmail(
        { smtpUrl: `smtp://u:p@127.0.0.1:${port}`, to: ['a@example.com'] },
        sampleNotification(),
        { reach, timeoutMs: 300 },
      );
      expect(r).toMatchObject({ ok: false, retryable: true });
      expect(r.error).toMatch(/timeout|ETIMEDOUT/i);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const s of sockets) s.destroy();
      await close(silent);
    }
  });
});
