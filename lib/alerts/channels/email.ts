import nodemailer, { type Transporter } from 'nodemailer';
import { alertTitle, escapeHtml, formatNumber, oneLine, orNa, redact, truncate } from './format';
import { checkedAddresses, ReachRefusedError, STRICT_REACH } from './reach';
import { systemLookup } from './transport';
import {
  DEFAULT_TIMEOUT_MS,
  type AlertNotification,
  type DeliveryOptions,
  type DeliveryResult,
} from './types';

export interface EmailConfig {
  /** `SMTP_URL`: smtp://user:pass@host:port (or smtps:// for implicit TLS) */
  smtpUrl: string;
  /** `ALERT_EMAIL_TO`: recipients */
  to: string[];
  /** Sender; default `Chatwatch <alerts@localhost>` */
  from?: string | null;
}

export const DEFAULT_EMAIL_FROM = 'Chatwatch <alerts@localhost>';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** "[P1] FIRING: Error rate > 1% (Demo shop)" */
export function emailSubject(n: AlertNotification): string {
  return truncate(oneLine(`${alertTitle(n)} (${n.project.name})`), 250);
}

function rows(n: AlertNotification): Array<[string, string]> {
  return [
    ['Project', n.project.name],
    ['Rule', n.ruleName],
    ['Severity', n.severity],
    ['State', n.state],
    ['Value', formatNumber(n.value)],
    ['Threshold', formatNumber(n.threshold)],
    ['Window', orNa(n.window)],
    ['Group', orNa(n.group)],
    ['Started', n.startedAt],
    ...(n.resolvedAt ? ([['Resolved', n.resolvedAt]] as Array<[string, string]>) : []),
  ];
}

export function buildEmailMessage(n: AlertNotification): EmailMessage {
  const subject = emailSubject(n);
  const r = rows(n);
  const text = [
    alertTitle(n),
    '',
    ...r.map(([k, v]) => `${k}: ${v}`),
    '',
    `Alert: ${n.links.alert}`,
    `Dashboard: ${n.links.dashboard}`,
    '',
    '-- Chatwatch',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(alertTitle(n))}</h2>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...r.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(n.links.alert)}">Alert</a> · <a href="${escapeHtml(n.links.dashboard)}">Dashboard</a></p>`,
    '<p style="color:#888">Chatwatch</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

const RETRYABLE_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETLS',
  'EPROTOCOL',
]);

/** Connection problems and SMTP 4xx are transient; auth failures, 5xx and bad addresses are not. */
export function classifySmtpError(err: { code?: unknown; responseCode?: unknown }): boolean {
  if (typeof err.responseCode === 'number') return err.responseCode >= 400 && err.responseCode < 500;
  if (typeof err.code === 'string')
    return RETRYABLE_CODES.has(err.code) || !['EAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG'].includes(err.code);
  return true;
}

function smtpSecrets(smtpUrl: string): string[] {
  const out = [smtpUrl];
  try {
    const u = new URL(smtpUrl);
    if (u.password) out.push(u.password, decodeURIComponent(u.password));
  } catch {
    /* invalid URL: nothing more to hide */
  }
  return out;
}

export function sendEmail(
  config: EmailConfig,
  notification: AlertNotification,
  opts: Pick<DeliveryOptions, 'timeoutMs' | 'reach' | 'lookup'> = {},
): Promise<DeliveryResult> {
  return sendEmailMessage(config, () => buildEmailMessage(notification), opts);
}

/** Query options of an SMTP URL that nodemailer may read; others (`proxy`, `service`, `localAddress`, ...) could send it elsewhere. */
const SAFE_SMTP_OPTIONS = /^(tls\.[A-Za-z]+|requireTLS|ignoreTLS|opportunisticTLS|name|authMethod)$/;

/**
 * Where nodemailer connects: for a channel under a reach policy, the checked address itself (so DNS is asked
 * once, right here) with the name kept for TLS; the operator's own SMTP_URL as written.
 */
async function smtpTarget(
  smtpUrl: string,
  opts: Pick<DeliveryOptions, 'reach' | 'lookup'>,
): Promise<{ url: string; servername?: string }> {
  const policy = opts.reach ?? STRICT_REACH;
  if ('unrestricted' in policy) return { url: smtpUrl };
  const url = new URL(smtpUrl);
  for (const key of [...url.searchParams.keys()])
    if (!SAFE_SMTP_OPTIONS.test(key)) url.searchParams.delete(key);
  const checked = await checkedAddresses(url, policy, opts.lookup ?? systemLookup);
  if (!checked.ok) throw new ReachRefusedError(checked.refusal);
  const first = checked.addresses[0];
  if (!first) throw Object.assign(new Error('no address'), { code: 'EDNS' });
  const name = url.hostname.replace(/^\[|\]$/g, '');
  if (first.address === name) return { url: url.toString() };
  url.hostname = first.family === 6 ? `[${first.address}]` : first.address;
  return { url: url.toString(), servername: name };
}

/**
 * Sends one message over SMTP with a timeout covering the whole exchange, DNS included. Never throws.
 * Errors keep our own code and the server's reply code, never the text the server sent.
 */
export async function sendEmailMessage(
  config: EmailConfig,
  build: () => EmailMessage,
  opts: Pick<DeliveryOptions, 'timeoutMs' | 'reach' | 'lookup'> = {},
): Promise<DeliveryResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const elapsed = () => Math.round(performance.now() - started);
  const secrets = smtpSecrets(config.smtpUrl);

  const to = config.to.map((s) => s.trim()).filter(Boolean);
  if (to.length === 0)
    return { ok: false, retryable: false, error: 'no recipients configured', durationMs: elapsed() };
  let protocol: string;
  try {
    protocol = new URL(config.smtpUrl).protocol;
  } catch {
    return { ok: false, retryable: false, error: 'invalid SMTP URL', durationMs: elapsed() };
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    return {
      ok: false,
      retryable: false,
      error: 'invalid SMTP URL (expected smtp:// or smtps://)',
      durationMs: elapsed(),
    };
  }

  let transport: Transporter | undefined;
  let timer: NodeJS.Timeout | undefined;
  let abandoned = false;
  try {
    const send = (async () => {
      const target = await smtpTarget(config.smtpUrl, opts);
      if (abandoned) throw new Error('abandoned after the timeout');
      transport = nodemailer.createTransport({
        url: target.url,
        ...(target.servername ? { servername: target.servername } : {}),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      const msg = build();
      return transport.sendMail({
        from: config.from || DEFAULT_EMAIL_FROM,
        to,
        subject: msg.subject,
        text: msg.text,
        html: msg.html,
      });
    })();
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([send, timeout]);
    if (outcome === 'timeout') {
      abandoned = true;
      send.catch(() => undefined);
      return { ok: false, retryable: true, error: `timeout after ${timeoutMs} ms`, durationMs: elapsed() };
    }
    const rejected = (outcome as { rejected?: unknown[] }).rejected ?? [];
    if (rejected.length > 0 && rejected.length === to.length) {
      return { ok: false, retryable: false, error: 'every recipient was rejected', durationMs: elapsed() };
    }
    return { ok: true, status: 250, retryable: false, durationMs: elapsed() };
  } catch (err) {
    if (err instanceof ReachRefusedError)
      return { ok: false, retryable: false, error: err.message, durationMs: elapsed() };
    const e = (err ?? {}) as { code?: unknown; originalCode?: unknown; responseCode?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'error';
    const socket =
      typeof e.originalCode === 'string' && e.originalCode !== code ? ` (${e.originalCode})` : '';
    const reply = typeof e.responseCode === 'number' ? `: server replied ${e.responseCode}` : '';
    return {
      ok: false,
      ...(typeof e.responseCode === 'number' ? { status: e.responseCode } : {}),
      retryable: classifySmtpError(e),
      error: redact(truncate(oneLine(`SMTP ${code}${socket}${reply}`), 300), secrets),
      durationMs: elapsed(),
    };
  } finally {
    if (timer) clearTimeout(timer);
    transport?.close();
  }
}
