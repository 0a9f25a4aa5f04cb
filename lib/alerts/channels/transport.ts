import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkedAddresses, ReachRefusedError, type Lookup, type ReachPolicy } from './reach';

export const systemLookup: Lookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The connection's own DNS step: resolves, checks every address and hands only checked ones to the socket,
 * so a name cannot answer one address to a check and another to the connection (DNS rebinding).
 */
export function guardedLookup(url: URL, policy: ReachPolicy, lookup: Lookup): LookupFunction {
  return (_hostname, options, callback) => {
    checkedAddresses(url, policy, lookup).then(
      (checked) => {
        if (!checked.ok) return callback(new ReachRefusedError(checked.refusal), '', 0);
        const wanted =
          options.family === 4 || options.family === 6
            ? checked.addresses.filter((a) => a.family === options.family)
            : checked.addresses;
        const first = wanted[0];
        if (!first)
          return callback(
            Object.assign(new Error('no address of the wanted family'), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        if (options.all) return callback(null, wanted);
        callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

export interface GuardedPost {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  policy: ReachPolicy;
  lookup?: Lookup;
}

/**
 * POSTs and answers the response status only: the body is never read, redirects are never followed, and
 * each request opens its own connection (a pooled socket could have been checked under another policy).
 */
export function postGuarded(url: URL, input: GuardedPost): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
        signal: input.signal,
        agent: false,
        lookup: guardedLookup(url, input.policy, input.lookup ?? systemLookup),
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    req.on('error', reject);
    req.end(input.body);
  });
}
