import { describe, expect, it } from 'vitest';
import { buildDigestEmail } from './digest';
import { buildEmailMessage, classifySmtpError, emailSubject, sendEmail } from './email';
import { parseAllowedHosts, type Lookup } from './reach';
import { resolvedOf, sampleNotification } from './test-fixtures';

describe('email message', () => {
  it('has a "[P1] FIRING: <rule> (<project>)" subject', () => {
    expect(emailSubject(sampleNotification())).toBe('[P1] FIRING: Error rate > 1% (Demo shop)');
    expect(emailSubject(resolvedOf(sampleNotification({ severity: 'P3' })))).toBe(
      '[P3] RESOLVED: Error rate > 1% (Demo shop)',
    );
    expect(emailSubject(sampleNotification({ ruleName: 'a\r\nBcc: x@y' }))).not.toMatch(/[\r\n]/);
  });

  it('has plain text and escaped HTML bodies with values and links', () => {
    const m = buildEmailMessage(sampleNotification({ group: '<script>' }));
    expect(m.text).toContain('Value: 0.0423');
    expect(m.text).toContain('Threshold: 0.01');
    expect(m.text).toContain('Window: 5m');
    expect(m.text).toContain('Alert: http://localhost:3000/p/demo/alerts/42');
    expect(m.html).toContain('&lt;script&gt;');
    expect(m.html).not.toContain('<script>');
  });

  it('classifies SMTP failures', () => {
    expect(classifySmtpError({ code: 'ECONNECTION' })).toBe(true);
    expect(classifySmtpError({ code: 'ETIMEDOUT' })).toBe(true);
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535 })).toBe(false);
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 450 })).toBe(true);
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550 })).toBe(false);
    expect(classifySmtpError({ code: 'EAUTH' })).toBe(false);
  });

  it('rejects missing recipients and bad URLs without throwing', async () => {
    expect(
      await sendEmail({ smtpUrl: 'smtp://a:b@127.0.0.1:25', to: [' '] }, sampleNotification()),
    ).toMatchObject({ ok: false, retryable: false });
    const bad = await sendEmail({ smtpUrl: 'http://u:pw123@x', to: ['a@b.c'] }, sampleNotification());
    expect(bad).toMatchObject({ ok: false, retryable: false });
    expect(bad.error).not.toContain('pw123');
  });

  it('escapes hostile event text in every HTML part, the digest included', () => {
    const hostile = '<a href="https://evil.example">click</a><img src=x onerror=alert(1)>\'&';
    const m = buildEmailMessage(
      sampleNotification({
        group: hostile,
        ruleName: `r ${hostile}`,
        project: { slug: 'demo', name: hostile },
      }),
    );
    const d = buildDigestEmail({
      day: '2026-03-01',
      project: { slug: 'demo', name: hostile },
      lowPriority: [],
      incidents: [
        {
          ruleKey: 'r',
          ruleName: hostile,
          severity: 'P1',
          group: hostile,
          startedAt: '2026-03-01T00:00:00.000Z',
          resolvedAt: null,
        },
      ],
      links: { alerts: 'http://localhost:3000/alerts?x="><script>' },
    });
    for (const html of [m.html, d.html]) {
      expect(html).not.toMatch(/<a href="https:\/\/evil|<img|<script|onerror=alert\(1\)>/);
      expect(html).toContain('&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;');
      expect(html).toContain('&#39;&amp;');
    }
    // The plain-text part is text: it carries the name as written.
    expect(m.text).toContain(`Group: ${hostile}`);
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it('refuses an SMTP host on a private address before connecting, unless allowed', async () => {
    const strict = await sendEmail(
      { smtpUrl: 'smtp://u:pw-secret@127.0.0.1:1', to: ['a@b.c'] },
      sampleNotification(),
      { timeoutMs: 2000 },
    );
    expect(strict).toMatchObject({
      ok: false,
      retryable: false,
      error: 'refused: 127.0.0.1 is a loopback address; allow it with CHANNEL_ALLOWED_HOSTS',
    });
    const lookup: Lookup = async () => [{ address: '10.0.0.25', family: 4 }];
    const named = await sendEmail(
      { smtpUrl: 'smtps://u:p@mail.example.test', to: ['a@b.c'] },
      sampleNotification(),
      { lookup, timeoutMs: 2000 },
    );
    expect(named).toMatchObject({
      ok: false,
      retryable: false,
      error:
        'refused: mail.example.test (resolves to 10.0.0.25) is a private address; allow it with CHANNEL_ALLOWED_HOSTS',
    });
    // Allowed: it goes on to connect (port 1 is closed), so the failure is a connection one.
    const allowed = await sendEmail(
      { smtpUrl: 'smtp://u:p@127.0.0.1:1', to: ['a@b.c'] },
      sampleNotification(),
      {
        reach: { allowedHosts: parseAllowedHosts('127.0.0.1') },
        timeoutMs: 2000,
      },
    );
    expect(allowed).toMatchObject({ ok: false, retryable: true });
    expect(allowed.error).not.toContain('refused:');
  });
});
