import { describe, expect, it } from 'vitest';
import { buildEmailMessage, classifySmtpError, emailSubject, sendEmail } from './email';
import { resolvedOf, sampleNotification } from './test-fixtures';

describe('email message', () => {
  it('has a "[P1] FIRING: <rule> (<project>)" subject', () => {
    expect(emailSubject(sampleNotification())).toBe('[P1] FIRING: Error rate > 1% (Demo shop)');
    expect(emailSubject(resolvedOf(sampleNotification({ severity: 'P3' })))).toBe('[P3] RESOLVED: Error rate > 1% (Demo shop)');
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
    expect(await sendEmail({ smtpUrl: 'smtp://a:b@127.0.0.1:25', to: [' '] }, sampleNotification())).toMatchObject({ ok: false, retryable: false });
    const bad = await sendEmail({ smtpUrl: 'http://u:pw123@x', to: ['a@b.c'] }, sampleNotification());
    expect(bad).toMatchObject({ ok: false, retryable: false });
    expect(bad.error).not.toContain('pw123');
  });
});
