import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'cw_';
/** Browser keys are public (they sit in web pages): their prefix says so wherever one turns up. */
export const BROWSER_KEY_PREFIX = 'cw_pub_';

/** A new random key: shown to the user once, only its hash is stored. */
export function generateApiKey(kind: 'server' | 'browser' = 'server'): string {
  return (kind === 'browser' ? BROWSER_KEY_PREFIX : API_KEY_PREFIX) + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What the UI shows to tell keys apart; never enough to use the key. */
export function displayPrefix(key: string): string {
  const prefix = key.startsWith(BROWSER_KEY_PREFIX) ? BROWSER_KEY_PREFIX : API_KEY_PREFIX;
  return key.slice(0, prefix.length + 6);
}

export function bearerToken(header: string | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
