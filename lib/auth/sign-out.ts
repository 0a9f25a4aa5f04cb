'use server';

import { auth, clerkClient } from '@clerk/nextjs/server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { withTimeout } from './clerk-user';
import { getAuthConfig } from './viewer';
import { log } from '@/lib/log';

const SESSION_COOKIE = /^(__session|__client_uat|__refresh|__clerk_db_jwt)(_.*)?$/;

/**
 * Server-side sign-out that works without clerk-js: revokes the session at Clerk (so clerk-js cannot
 * restore it) and drops the session cookies. A failed revocation still signs this browser out.
 */
export async function signOut(): Promise<void> {
  if (getAuthConfig().mode !== 'clerk') redirect('/');
  const { sessionId } = await auth();
  if (sessionId) {
    try {
      const client = await clerkClient();
      await withTimeout(client.sessions.revokeSession(sessionId), 3_000);
    } catch (error) {
      log.warn('clerk_session_revoke_failed', { error: String(error) });
    }
  }
  const jar = await cookies();
  for (const { name } of jar.getAll()) {
    if (SESSION_COOKIE.test(name)) jar.delete(name);
  }
  redirect('/sign-in');
}
