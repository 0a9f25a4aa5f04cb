import { describe, expect, it } from 'vitest';
import type { ChannelConfig } from './index';
import {
  buildChannelConfig,
  changedSecrets,
  channelFormSchema,
  channelFormValues,
  channelUrls,
  channelView,
  createChannelSchema,
  maskRoutingKey,
  testChannelSchema,
} from './schema';

const projectId = '5b0c1c2e-8d6f-4c1a-9a57-0d7f3f3b6a11';
const webhook = {
  type: 'webhook',
  name: 'Ops hook',
  url: 'https://hooks.example.com/T000/secret-path?token=abc',
  severities: ['P2', 'P1'],
  sendResolved: 'on',
  enabled: 'on',
};
const firstMessage = (input: Record<string, unknown>) => {
  const result = channelFormSchema.safeParse(input);
  return result.success ? null : result.error.issues[0]?.message;
};
const SLACK_URL = 'https://hooks.slack.com/services/T0/B0/XXXXSECRETXXXX';
const ROUTING_KEY = 'R0123456789abcdef0123456789abcd';
const SMTP_URL = 'smtp://alerts:p%40ss-w0rd@smtp.example.com:587';

describe('channelFormSchema', () => {
  it('orders severities and reads checkboxes', () => {
    expect(channelFormSchema.parse(webhook)).toEqual({
      type: 'webhook',
      name: 'Ops hook',
      url: webhook.url,
      secret: undefined,
      clearSecret: false,
      severities: ['P1', 'P2'],
      sendResolved: true,
      enabled: true,
    });
    expect(
      channelFormSchema.parse({ ...webhook, sendResolved: undefined, enabled: undefined }),
    ).toMatchObject({
      sendResolved: false,
      enabled: false,
    });
  });

  it('accepts only http(s) URLs, with the field named', () => {
    expect(firstMessage({ ...webhook, url: 'ftp://example.com/x' })).toBe(
      'Webhook URL must be a full http:// or https:// URL.',
    );
    expect(firstMessage({ ...webhook, url: 'hooks.example.com/x' })).toBe(
      'Webhook URL must be a full http:// or https:// URL.',
    );
    expect(firstMessage({ ...webhook, type: 'slack', webhookUrl: 'javascript:alert(1)' })).toBe(
      'Slack webhook URL must be a full http:// or https:// URL.',
    );
    expect(
      firstMessage({ ...webhook, type: 'pagerduty', routingKey: ROUTING_KEY, eventsUrl: 'events.eu' }),
    ).toBe('Events API URL must be a full http:// or https:// URL.');
    expect(channelFormSchema.parse({ ...webhook, url: 'http://127.0.0.1:9000/hook' })).toMatchObject({
      url: 'http://127.0.0.1:9000/hook',
    });
  });

  it('checks routing keys, SMTP URLs and recipients', () => {
    const email = { ...webhook, type: 'email', smtpUrl: SMTP_URL, to: 'a@example.com; b@example.com' };
    expect(channelFormSchema.parse(email)).toMatchObject({ to: ['a@example.com', 'b@example.com'] });
    expect(firstMessage({ ...email, smtpUrl: 'https://smtp.example.com' })).toMatch(
      /^SMTP URL must look like smtp:\/\//,
    );
    expect(firstMessage({ ...email, to: 'ops@example.com, not-an-email' })).toBe(
      'Recipients: "not-an-email" is not an email address.',
    );
    expect(firstMessage({ ...webhook, type: 'pagerduty', routingKey: 'short' })).toMatch(
      /^Routing key: 8 to 128/,
    );
  });

  it('asks for a type, a name and a severity', () => {
    expect(firstMessage({ ...webhook, type: 'sms' })).toBe(
      'Pick a channel type: webhook, slack, pagerduty, email.',
    );
    expect(firstMessage({ ...webhook, name: ' ' })).toBe('Name the channel.');
    expect(firstMessage({ ...webhook, severities: undefined })).toBe(
      'Pick at least one severity the channel receives.',
    );
    expect(firstMessage({ ...webhook, severities: ['P9'] })).toBe('Severities are P1, P2, P3, P4.');
  });

  it('adds the project id for the actions, and accepts env and stored channel ids for tests', () => {
    expect(createChannelSchema.parse({ projectId, ...webhook })).toEqual({
      projectId,
      form: channelFormSchema.parse(webhook),
    });
    expect(testChannelSchema.parse({ projectId, channelId: 'env:webhook' }).channelId).toBe('env:webhook');
    expect(testChannelSchema.safeParse({ projectId, channelId: 'db:../../x' }).success).toBe(false);
  });
});

describe('buildChannelConfig', () => {
  const parse = (input: Record<string, unknown>) => channelFormSchema.parse(input);

  it('needs every secret for a new channel', () => {
    expect(() => buildChannelConfig(parse({ ...webhook, url: '' }), null)).toThrow('Enter the webhook URL.');
    expect(() => buildChannelConfig(parse({ ...webhook, type: 'slack' }), null)).toThrow(
      'Enter the Slack incoming webhook URL.',
    );
    expect(() => buildChannelConfig(parse({ ...webhook, type: 'email', to: 'a@example.com' }), null)).toThrow(
      'Enter the SMTP URL.',
    );
  });

  it('keeps stored secrets left blank, replaces given ones, and clears a signing secret on request', () => {
    const stored: ChannelConfig = { type: 'webhook', url: webhook.url, secret: 'sign-me' };
    expect(buildChannelConfig(parse({ ...webhook, url: '' }), stored)).toEqual(stored);
    expect(buildChannelConfig(parse({ ...webhook, url: 'https://new.example.com/h' }), stored)).toEqual({
      ...stored,
      url: 'https://new.example.com/h',
    });
    expect(buildChannelConfig(parse({ ...webhook, url: '', clearSecret: 'on' }), stored)).toEqual({
      ...stored,
      secret: null,
    });
    const pd: ChannelConfig = {
      type: 'pagerduty',
      routingKey: ROUTING_KEY,
      eventsUrl: 'https://events.eu.pagerduty.com',
    };
    expect(buildChannelConfig(parse({ ...webhook, type: 'pagerduty', eventsUrl: '' }), pd)).toEqual({
      ...pd,
      eventsUrl: null,
    });
  });

  it('ignores stored secrets of another type', () => {
    const stored: ChannelConfig = { type: 'slack', webhookUrl: SLACK_URL };
    expect(() => buildChannelConfig(parse({ ...webhook, url: '' }), stored)).toThrow(
      'Enter the webhook URL.',
    );
  });

  it('names the secrets an edit changed, never their values', () => {
    const stored: ChannelConfig = { type: 'webhook', url: webhook.url, secret: 'sign-me' };
    expect(changedSecrets(stored, { ...stored })).toEqual([]);
    expect(changedSecrets(stored, { ...stored, secret: null })).toEqual(['secret']);
    expect(changedSecrets(null, { type: 'slack', webhookUrl: SLACK_URL })).toEqual(['webhookUrl']);
  });
});

describe('channelView', () => {
  it('shows hosts, the last 4 characters of a routing key and recipients, never a secret', () => {
    const configs: ChannelConfig[] = [
      { type: 'webhook', url: webhook.url, secret: 'sign-me' },
      { type: 'slack', webhookUrl: SLACK_URL },
      { type: 'pagerduty', routingKey: ROUTING_KEY },
      { type: 'email', smtpUrl: SMTP_URL, to: ['ops@example.com'], from: 'Alerts <a@example.com>' },
    ];
    const views = configs.map(channelView);
    expect(views).toEqual([
      { type: 'webhook', target: 'https://hooks.example.com', details: ['signed'] },
      { type: 'slack', target: 'https://hooks.slack.com', details: [] },
      { type: 'pagerduty', target: 'https://events.pagerduty.com', details: ['routing key …abcd'] },
      {
        type: 'email',
        target: 'smtp.example.com:587',
        details: ['to ops@example.com', 'from Alerts <a@example.com>'],
      },
    ]);
    const shown = JSON.stringify([views, configs.map(channelFormValues)]);
    for (const secret of [
      'secret-path',
      'token=abc',
      'sign-me',
      'XXXXSECRETXXXX',
      ROUTING_KEY,
      'p%40ss',
      'alerts:',
    ]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('hides short routing keys entirely', () => {
    expect(maskRoutingKey('abcdefgh')).toBe('…');
    expect(maskRoutingKey('abcdefgh1234')).toBe('…1234');
  });
});

describe('channelUrls', () => {
  it('names every URL a config reaches with its form label, so the reach policy can check each', () => {
    expect(channelUrls({ type: 'webhook', url: 'http://10.0.0.1/h', secret: null })).toEqual([
      { label: 'Webhook URL', url: 'http://10.0.0.1/h', protocols: ['http:', 'https:'] },
    ]);
    expect(channelUrls({ type: 'slack', webhookUrl: SLACK_URL })).toEqual([
      { label: 'Slack webhook URL', url: SLACK_URL, protocols: ['http:', 'https:'] },
    ]);
    expect(channelUrls({ type: 'pagerduty', routingKey: ROUTING_KEY, eventsUrl: 'http://[::1]:9/' })).toEqual(
      [{ label: 'Events API URL', url: 'http://[::1]:9/v2/enqueue', protocols: ['http:', 'https:'] }],
    );
    expect(channelUrls({ type: 'pagerduty', routingKey: ROUTING_KEY, eventsUrl: null })).toEqual([]);
    expect(channelUrls({ type: 'email', smtpUrl: SMTP_URL, to: ['a@example.com'] })).toEqual([
      { label: 'SMTP URL', url: SMTP_URL, protocols: ['smtp:', 'smtps:'] },
    ]);
  });
});
