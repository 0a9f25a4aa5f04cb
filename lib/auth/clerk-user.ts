import 'server-only';
import { clerkClient } from '@clerk/nextjs/server';
import type { Identity } from './claims';
import { log } from '@/lib/log';

const TIMEOUT_MS = 2_000;
const TTL_MS = 5 * 60_000;
const FAILURE_TTL_MS = 30_000;
const CACHE_MAX = 1_000;
const cache = new Map<string, { identity: Identity | null; expires: number }>();

/**
 * Email, name and public-metadata role from Clerk's Backend API, for session tokens whose template lacks
 * those claims. Cached per user and bounded in time, so a Clerk outage costs one slow render, not every one.
 */
export async function lookupClerkIdentity(userId: string): Promise<Identity | null> {
  const now = Date.now();
  const cached = cache.get(userId);
  if (cached && cached.expires > now) return cached.identity;
  let identity: Identity | null = null;
  try {
    const client = await clerkClient();
    const user = await withTimeout(client.users.getUser(userId), TIMEOUT_MS);
    const role = user.publicMetadata?.role;
    identity = {
      // Only a verified address counts: the email lists grant roles, and anyone can add an address unverified.
      email:
        [user.primaryEmailAddress, ...user.emailAddresses].find((e) => e?.verification?.status === 'verified')
          ?.emailAddress ?? null,
      name: user.fullName ?? user.username ?? null,
      role: typeof role === 'string' ? role : null,
    };
  } catch (error) {
    log.throttled('warn', 'clerk_user_lookup_failed', { error: String(error) });
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(userId, { identity, expires: now + (identity ? TTL_MS : FAILURE_TTL_MS) });
  return identity;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
