import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * Real receivers on loopback for alert notifications: one HTTP server standing in for the webhook, Slack and
 * PagerDuty endpoints (told apart by path), and an SMTP server for email. Both record what they are sent.
 */

export type ReceivedRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
  /** The status the receiver answered. */
  status: number;
  at: number;
};

type Failure = { prefix: string; remaining: number; match?: (request: ReceivedRequest) => boolean };

export type HttpReceiver = {
  url: string;
  /** Every request so far, in arrival order; with a path prefix, only those under it. */
  requests(prefix?: string): ReceivedRequest[];
  /** Answers 500 to the next `count` requests under `prefix` (that `match`, when given). */
  failNext(prefix: string, count: number, match?: (request: ReceivedRequest) => boolean): void;
  close(): Promise<void>;
};

/** PagerDuty's Events API answers 202 to an accepted event; Slack answers `ok`; a generic webhook 200. */
function success(path: string): { status: number; body: string; type: string } {
  if (path.startsWith('/pagerduty'))
    return {
      status: 202,
      body: '{"status":"success","message":"Event processed"}',
      type: 'application/json',
    };
  if (path.startsWith('/slack')) return { status: 200, body: 'ok', type: 'text/plain' };
  return { status: 200, body: '{}', type: 'application/json' };
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const failures: Failure[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        raw,
        json,
        status: 0,
        at: Date.now(),
      };
      const failure = failures.find(
        (f) => f.remaining > 0 && path.startsWith(f.prefix) && (!f.match || f.match(request)),
      );
      if (failure) {
        failure.remaining--;
        request.status = 500;
        received.push(request);
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"receiver told to fail"}');
        return;
      }
      const ok = success(path);
      request.status = ok.status;
      received.push(request);
      res.writeHead(ok.status, { 'content-type': ok.type }).end(ok.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: (prefix) => (prefix ? received.filter((r) => r.path.startsWith(prefix)) : [...received]),
    failNext: (prefix, count, match) => void failures.push({ prefix, remaining: count, match }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ReceivedMail = {
  /** Envelope sender and recipients. */
  from: string;
  to: string[];
  /** Decoded Subject header. */
  subject: string;
  /** The To header as written. */
  toHeader: string;
  /** The decoded text/plain part. */
  text: string;
  raw: string;
  at: number;
};

export type SmtpReceiver = {
  /** `smtp://127.0.0.1:<port>`: plain SMTP, no TLS, no authentication required. */
  url: string;
  messages(): ReceivedMail[];
  close(): Promise<void>;
};

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = parseMail(raw);
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: mail.headers.get('subject') ?? '',
          toHeader: mail.headers.get('to') ?? '',
          text: mail.text,
          raw,
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => [...received],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---- a small MIME reader: headers, multipart bodies, quoted-printable / base64, RFC 2047 words ----

type MimePart = { headers: Map<string, string>; body: string };

function splitPart(raw: string): MimePart {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g,
    (_all, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(part: MimePart): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return part.body;
}

/** The text/plain content of a part, looking inside multipart bodies. */
function plainText(part: MimePart): string | null {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(part.headers.get('content-type') ?? '')?.[1];
    if (!boundary) return null;
    for (const chunk of part.body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const text = plainText(splitPart(chunk.replace(/^\n/, '')));
      if (text !== null) return text;
    }
    return null;
  }
  return type.startsWith('text/plain') ? decodeBody(part).replace(/\n$/, '') : null;
}

export function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const top = splitPart(raw);
  return { headers: top.headers, text: plainText(top) ?? '' };
}
