import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorReply, MultiErrorReply, createClient } from 'redis';

/**
 * Test-only HTTP server speaking the Upstash REST protocol to a real Redis, so @vercel/kv runs
 * against the same server as the TCP backend. Covers `POST /`, `/pipeline`, `/multi-exec`.
 */
export type UpstashBridge = { url: string; token: string; close(): Promise<void> };

type Command = string[];
type Outcome = { result: unknown } | { error: string };

class BadRequest extends Error {}

export async function startUpstashBridge(options: {
  redisUrl: string;
  token: string;
}): Promise<UpstashBridge> {
  const redis = createClient({ url: options.redisUrl, RESP: 2 });
  redis.on('error', (error: unknown) => console.error('[upstash-bridge] Redis error:', error));
  await redis.connect();

  async function runOne(command: Command): Promise<Outcome> {
    try {
      return { result: await redis.sendCommand(command) };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  async function runTransaction(commands: Command[]): Promise<Outcome[]> {
    const multi = redis.multi();
    for (const command of commands) multi.addCommand(command);
    try {
      const replies: unknown[] = await multi.exec();
      return replies.map((result) => ({ result }));
    } catch (error) {
      // Errors raised while executing (not queueing) leave the other commands applied, as in Redis.
      if (!(error instanceof MultiErrorReply)) throw error;
      return error.replies.map((reply, i) =>
        error.errorIndexes.includes(i) ? { error: reply.message } : { result: reply },
      );
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST') return send(res, 405, { error: 'ERR only POST is supported' });
    if (req.headers.authorization !== `Bearer ${options.token}`)
      return send(res, 401, { error: 'Unauthorized' });
    const base64 = req.headers['upstash-encoding'] === 'base64';
    const encodeOutcome = (outcome: Outcome) =>
      'result' in outcome ? { result: encodeResult(outcome.result, base64) } : outcome;

    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'ERR request body is not valid JSON' });
    }

    try {
      switch (req.url) {
        case '/': {
          const outcome = await runOne(parseCommand(body));
          return send(res, 'error' in outcome ? 400 : 200, encodeOutcome(outcome));
        }
        case '/pipeline': {
          const outcomes = await Promise.all(parseCommands(body).map(runOne));
          return send(res, 200, outcomes.map(encodeOutcome));
        }
        case '/multi-exec': {
          const outcomes = await runTransaction(parseCommands(body));
          return send(res, 200, outcomes.map(encodeOutcome));
        }
        default:
          return send(res, 404, { error: `ERR unknown endpoint ${req.url}` });
      }
    } catch (error) {
      return send(res, error instanceof BadRequest || error instanceof ErrorReply ? 400 : 500, {
        error: errorMessage(error),
      });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: errorMessage(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      if (redis.isOpen) await redis.close();
    },
  };
}

function parseCommand(value: unknown): Command {
  const isArgument = (arg: unknown) => ['string', 'number', 'boolean'].includes(typeof arg);
  if (!Array.isArray(value) || value.length === 0 || !value.every(isArgument)) {
    throw new BadRequest('ERR a command must be a non-empty array of strings and numbers');
  }
  return value.map(String);
}

function parseCommands(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR expected a non-empty array of commands');
  }
  return value.map(parseCommand);
}

/** With `Upstash-Encoding: base64`, every string is base64 of its UTF-8 bytes, except "OK". */
function encodeResult(value: unknown, base64: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => encodeResult(item, base64));
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8');
  if (typeof value === 'string' && base64 && value !== 'OK')
    return Buffer.from(value, 'utf8').toString('base64');
  return value;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^[A-Z]+ /.test(message) ? message : `ERR ${message}`;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
