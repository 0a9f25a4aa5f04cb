import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, decodeJwt } from 'jose';

/**
 * Offline Clerk for tests (shared/NOTES-STACK.md): a throwaway RSA key pair whose public half the server
 * gets as CLERK_JWT_KEY, a fake production publishable key, and session tokens minted here. The keys live
 * in .data/e2e-clerk/ so `next build` (which inlines the publishable key), the server and the tests agree.
 */
export const CLERK_FRONTEND_API = 'clerk.chatwatch.test';
export const E2E_ADMIN_EMAIL = 'admin@chatwatch.test';
/** Installation-wide viewers of every Clerk-mode test server: two emails and a whole domain. */
export const E2E_VIEWER_EMAILS = 'vera@chatwatch.test,vic@chatwatch.test,@viewers.chatwatch.test';

const KEY_FILE = path.resolve(__dirname, '../../.data/e2e-clerk/keys.json');

export type ClerkTestKeys = {
  publishableKey: string;
  secretKey: string;
  publicKeyPem: string;
  privateKeyPem: string;
};

let keys: ClerkTestKeys | undefined;

/** Reads the key file, creating it once; synchronous so playwright.config.ts can call it at load. */
export function clerkTestKeys(): ClerkTestKeys {
  if (keys) return keys;
  if (!fs.existsSync(KEY_FILE)) {
    fs.mkdirSync(path.dirname(KEY_FILE), { recursive: true });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicExponent: 0x10001,
    });
    const fresh: ClerkTestKeys = {
      publishableKey: `pk_live_${Buffer.from(`${CLERK_FRONTEND_API}$`).toString('base64').replace(/=+$/, '')}`,
      secretKey: `sk_live_${randomBytes(24).toString('hex')}`,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const temp = `${KEY_FILE}.${process.pid}.${randomUUID()}`;
    fs.writeFileSync(temp, JSON.stringify(fresh, null, 2), { mode: 0o600 });
    try {
      // link() fails if another process (runner or worker) created the file first: its keys win.
      fs.linkSync(temp, KEY_FILE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.unlinkSync(temp);
    }
  }
  keys = JSON.parse(fs.readFileSync(KEY_FILE, 'utf8')) as ClerkTestKeys;
  return keys;
}

/** The environment of a server under test in Clerk mode. ADMIN_EMAILS makes E2E_ADMIN_EMAIL an admin. */
export function clerkServerEnv(): Record<string, string> {
  const { publishableKey, secretKey, publicKeyPem } = clerkTestKeys();
  return {
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: publishableKey,
    CLERK_SECRET_KEY: secretKey,
    CLERK_JWT_KEY: publicKeyPem,
    NEXT_PUBLIC_CLERK_KEYLESS_DISABLED: '1',
    NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
    ADMIN_EMAILS: E2E_ADMIN_EMAIL.toUpperCase(),
    VIEWER_EMAILS: E2E_VIEWER_EMAILS,
  };
}

export type SessionOptions = {
  userId: string;
  email?: string;
  name?: string;
  /** Written as public metadata (`metadata.role`), as a Clerk session token template would. */
  role?: string;
  /** Negative for a token that has already expired. */
  expiresInSec?: number;
  /** Sign with a key the server does not know. */
  wrongKey?: boolean;
  /** The session's active organization, as Clerk's v2 session token carries it (`o.rol` without `org:`). */
  org?: { id: string; role: 'admin' | 'member' | (string & {}); slug?: string };
};

let strangerKey: ReturnType<typeof createPrivateKey> | undefined;

/** An RS256 session token shaped like Clerk's: sub, sid, iat, nbf, exp, iss, plus the custom claims. */
export async function mintSession(options: SessionOptions): Promise<string> {
  const expiresInSec = options.expiresInSec ?? 600;
  const now = Math.floor(Date.now() / 1000);
  const iat = expiresInSec > 0 ? now - 5 : now + expiresInSec - 600;
  const claims: Record<string, unknown> = { sid: `sess_${randomBytes(8).toString('hex')}` };
  if (options.email) claims.email = options.email;
  if (options.name) claims.name = options.name;
  if (options.role) claims.metadata = { role: options.role };
  if (options.org) {
    claims.v = 2;
    claims.o = {
      id: options.org.id,
      rol: options.org.role,
      slg: options.org.slug ?? options.org.id.replace(/^org_/, ''),
    };
  }
  const key = options.wrongKey
    ? (strangerKey ??= generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicExponent: 0x10001,
      }).privateKey)
    : createPrivateKey(clerkTestKeys().privateKeyPem);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_e2e' })
    .setSubject(options.userId)
    .setIssuer(`https://${CLERK_FRONTEND_API}`)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(now + expiresInSec)
    .sign(key);
}

export type TestCookie = { name: string; value: string; url: string };

/** `__session` plus `__client_uat` (<= iat, or Clerk wants a handshake) for `context.addCookies`. */
export function sessionCookies(token: string, baseURL: string): TestCookie[] {
  const { iat } = decodeJwt(token);
  return [
    { name: '__session', value: token, url: baseURL },
    { name: '__client_uat', value: String(iat ?? 1), url: baseURL },
  ];
}
