/**
 * Argument rules and reply decoding shared by the backends. Every backend checks arguments before
 * touching storage, so a bad call fails the same way everywhere and never half-applies a MULTI.
 */

export function assertTtlSeconds(ttlSeconds: number | undefined): void {
  if (ttlSeconds !== undefined && !(Number.isSafeInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
}

export function assertIntegerAmount(name: string, amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`${name} must be an integer, got ${amount}`);
  }
}

/** HGETALL in RESP2 is a flat [field, value, field, value, ...] array. */
export function hashFromFlatReply(reply: unknown): Record<string, number> {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) {
    throw new TypeError('HGETALL reply is not a flat array of field/value pairs');
  }
  const entries: [string, number][] = [];
  for (let i = 0; i < reply.length; i += 2) {
    entries.push([String(reply[i]), Number(reply[i + 1])]);
  }
  // fromEntries defines own properties, so a field named "__proto__" survives.
  return Object.fromEntries(entries);
}

export class KvClosedError extends Error {
  constructor(backend: string) {
    super(`KV client (${backend}) is closed`);
    this.name = 'KvClosedError';
  }
}
