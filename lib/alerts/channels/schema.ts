/**
 * The notification channel form (per channel type), how a stored config is shown without its secrets,
 * and how an edit merges with the stored secrets (left blank = kept). Pure: no I/O.
 */
import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import type { ChannelConfig } from './index';
import { describeTarget } from './format';
import { pagerDutyEnqueueUrl } from './pagerduty';
import { DEFAULT_CHANNEL_SEVERITIES } from '../engine/routing';
import { CHANNEL_KINDS, SEVERITIES, type ChannelKind, type Severity } from '../engine/types';

const MAX_RECIPIENTS = 20;

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const asArray = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** An HTML checkbox: sent as "on" when ticked, absent otherwise. */
const checkbox = z.preprocess((v) => v === 'on' || v === 'true', z.boolean());

function isUrlWith(value: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

const httpUrl = (label: string) =>
  z.preprocess(
    blankAsUndefined,
    z
      .string()
      .trim()
      .max(2000, `${label} is too long (2000 characters at most).`)
      .refine((v) => isUrlWith(v, ['http:', 'https:']), `${label} must be a full http:// or https:// URL.`)
      .optional(),
  );

const optionalText = (label: string, max: number) =>
  z.preprocess(
    blankAsUndefined,
    z.string().trim().max(max, `${label}: ${max} characters at most.`).optional(),
  );

const EMAIL = z.email();
const recipients = z.preprocess(
  blankAsUndefined,
  z
    .string()
    .transform((v) =>
      v
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string())
        .min(1, 'Recipients: enter at least one email address.')
        .max(MAX_RECIPIENTS, `Recipients: ${MAX_RECIPIENTS} addresses at most.`)
        .superRefine((list, ctx) => {
          const bad = list.find((address) => !EMAIL.safeParse(address).success);
          if (bad) ctx.addIssue({ code: 'custom', message: `Recipients: "${bad}" is not an email address.` });
        }),
    )
    .optional(),
);

const common = {
  name: z
    .string({ error: 'Name the channel.' })
    .trim()
    .min(1, 'Name the channel.')
    .max(100, 'Keep the channel name to 100 characters.'),
  severities: z.preprocess(
    asArray,
    z
      .array(z.enum(SEVERITIES, { error: `Severities are ${SEVERITIES.join(', ')}.` }))
      .min(1, 'Pick at least one severity the channel receives.')
      .transform((picked) => SEVERITIES.filter((s) => picked.includes(s))),
  ),
  sendResolved: checkbox,
  enabled: checkbox,
};

const channelFormUnion = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('webhook'),
      ...common,
      url: httpUrl('Webhook URL'),
      secret: optionalText('Signing secret', 200),
      clearSecret: checkbox,
    }),
    z.object({ type: z.literal('slack'), ...common, webhookUrl: httpUrl('Slack webhook URL') }),
    z.object({
      type: z.literal('pagerduty'),
      ...common,
      routingKey: z.preprocess(
        blankAsUndefined,
        z
          .string()
          .trim()
          .regex(
            /^[A-Za-z0-9_-]{8,128}$/,
            'Routing key: 8 to 128 letters, digits, _ or - (32 characters from PagerDuty).',
          )
          .optional(),
      ),
      eventsUrl: httpUrl('Events API URL'),
    }),
    z.object({
      type: z.literal('email'),
      ...common,
      smtpUrl: z.preprocess(
        blankAsUndefined,
        z
          .string()
          .trim()
          .max(2000, 'SMTP URL is too long (2000 characters at most).')
          .refine(
            (v) => isUrlWith(v, ['smtp:', 'smtps:']),
            'SMTP URL must look like smtp://user:password@host:587 (or smtps:// for implicit TLS).',
          )
          .optional(),
      ),
      to: recipients,
      from: optionalText('From', 200),
    }),
  ],
  { error: `Pick a channel type: ${CHANNEL_KINDS.join(', ')}.` },
);

export const channelFormSchema = channelFormUnion;
export type ChannelForm = z.output<typeof channelFormUnion>;

const uuid = (what: string) => z.uuid({ error: `Pick the ${what} first.` });
const nested = channelFormSchema.transform((form) => ({ form }));
export const createChannelSchema = z.object({ projectId: uuid('project') }).and(nested);
export const updateChannelSchema = z
  .object({ projectId: uuid('project'), channelId: uuid('channel') })
  .and(nested);
export const channelRefSchema = z.object({ projectId: uuid('project'), channelId: uuid('channel') });
export const setChannelEnabledSchema = channelRefSchema.extend({
  enabled: z
    .enum(['true', 'false'], { error: 'Say whether the channel is enabled.' })
    .transform((v) => v === 'true'),
});
/** `env:<type>` for a channel from the environment, or a settings channel's id. */
export const testChannelSchema = z.object({
  projectId: uuid('project'),
  channelId: z
    .string({ error: 'Pick the channel to test.' })
    .regex(
      /^(env:[a-z]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
      'Pick the channel to test.',
    ),
});

const missing = (what: string) => new AppError('bad_request', `Enter the ${what}.`);

/**
 * The config to store. Secret fields left blank keep the stored value when the type is unchanged
 * (a new channel, or a changed type, needs them all); a webhook's signing secret can be cleared on purpose.
 */
export function buildChannelConfig(form: ChannelForm, previous: ChannelConfig | null): ChannelConfig {
  switch (form.type) {
    case 'webhook': {
      const prev = previous?.type === 'webhook' ? previous : null;
      const url = form.url ?? prev?.url;
      if (!url) throw missing('webhook URL');
      const secret = form.clearSecret ? null : (form.secret ?? prev?.secret ?? null);
      return { type: 'webhook', url, secret };
    }
    case 'slack': {
      const prev = previous?.type === 'slack' ? previous : null;
      const webhookUrl = form.webhookUrl ?? prev?.webhookUrl;
      if (!webhookUrl) throw missing('Slack incoming webhook URL');
      return { type: 'slack', webhookUrl };
    }
    case 'pagerduty': {
      const prev = previous?.type === 'pagerduty' ? previous : null;
      const routingKey = form.routingKey ?? prev?.routingKey;
      if (!routingKey) throw missing('PagerDuty routing key');
      return { type: 'pagerduty', routingKey, eventsUrl: form.eventsUrl ?? null };
    }
    case 'email': {
      const prev = previous?.type === 'email' ? previous : null;
      const smtpUrl = form.smtpUrl ?? prev?.smtpUrl;
      if (!smtpUrl) throw missing('SMTP URL');
      if (!form.to) throw missing('recipients (one email address or more)');
      return { type: 'email', smtpUrl, to: form.to, from: form.from ?? null };
    }
  }
}

export type ChannelUrl = {
  label: string;
  url: string;
  protocols: readonly ['http:', 'https:'] | readonly ['smtp:', 'smtps:'];
};

const HTTP = ['http:', 'https:'] as const;
const SMTP = ['smtp:', 'smtps:'] as const;

/** Every URL a config makes deliveries reach, labelled as its form field is: each must pass the reach policy. */
export function channelUrls(config: ChannelConfig): ChannelUrl[] {
  switch (config.type) {
    case 'webhook':
      return [{ label: 'Webhook URL', url: config.url, protocols: HTTP }];
    case 'slack':
      return [{ label: 'Slack webhook URL', url: config.webhookUrl, protocols: HTTP }];
    case 'pagerduty':
      return config.eventsUrl
        ? [{ label: 'Events API URL', url: pagerDutyEnqueueUrl(config.eventsUrl), protocols: HTTP }]
        : [];
    case 'email':
      return [{ label: 'SMTP URL', url: config.smtpUrl, protocols: SMTP }];
  }
}

/** Names of the secret fields an edit replaced or cleared: for the audit log, never their values. */
export function changedSecrets(previous: ChannelConfig | null, next: ChannelConfig): string[] {
  const secrets = (c: ChannelConfig | null): Record<string, string | null | undefined> => {
    switch (c?.type) {
      case 'webhook':
        return { url: c.url, secret: c.secret };
      case 'slack':
        return { webhookUrl: c.webhookUrl };
      case 'pagerduty':
        return { routingKey: c.routingKey };
      case 'email':
        return { smtpUrl: c.smtpUrl };
      default:
        return {};
    }
  };
  const before = secrets(previous);
  return Object.entries(secrets(next))
    .filter(([field, value]) => (before[field] ?? null) !== (value ?? null))
    .map(([field]) => field);
}

/** What may be shown of a config: hosts, the end of a routing key, recipients. Never a secret. */
export type ChannelView = {
  type: ChannelKind;
  /** "https://hooks.slack.com", "smtp.example.com:587" */
  target: string;
  /** e.g. "routing key …ab12", "signed", "to ops@example.com", "from Alerts <a@example.com>" */
  details: string[];
};

export function maskRoutingKey(key: string): string {
  return key.length >= 12 ? `…${key.slice(-4)}` : '…';
}

function smtpHost(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return url.host || 'invalid SMTP URL';
  } catch {
    return 'invalid SMTP URL';
  }
}

export function channelView(config: ChannelConfig): ChannelView {
  switch (config.type) {
    case 'webhook':
      return {
        type: 'webhook',
        target: describeTarget(config.url),
        details: config.secret ? ['signed'] : [],
      };
    case 'slack':
      return { type: 'slack', target: describeTarget(config.webhookUrl), details: [] };
    case 'pagerduty':
      return {
        type: 'pagerduty',
        target: describeTarget(pagerDutyEnqueueUrl(config.eventsUrl)),
        details: [`routing key ${maskRoutingKey(config.routingKey)}`],
      };
    case 'email':
      return {
        type: 'email',
        target: smtpHost(config.smtpUrl),
        details: [`to ${config.to.join(', ')}`, ...(config.from ? [`from ${config.from}`] : [])],
      };
  }
}

/** Values that refill the edit form: only fields that are not secrets (secrets are left blank = kept). */
export function channelFormValues(config: ChannelConfig): Record<string, string> {
  switch (config.type) {
    case 'webhook':
    case 'slack':
      return {};
    case 'pagerduty':
      return { eventsUrl: config.eventsUrl ?? '' };
    case 'email':
      return { to: config.to.join(', '), from: config.from ?? '' };
  }
}

export function defaultSeverities(type: ChannelKind): Severity[] {
  return [...DEFAULT_CHANNEL_SEVERITIES[type]];
}
