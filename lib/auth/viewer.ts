import 'server-only';
import { auth } from '@clerk/nextjs/server';
import { cache } from 'react';
import { env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { identityFromClaims, isAdminIdentity, parseAdminEmails, type Identity } from './claims';
import { lookupClerkIdentity } from './clerk-user';
import { resolveAuthConfig, type AuthConfig, type AuthMode } from './mode';

export type Viewer = {
  userId: string;
  email: string | null;
  name: string | null;
  isAdmin: boolean;
  mode: AuthMode;
};

const authConfig = resolveAuthConfig(env);
const adminEmails = parseAdminEmails(env.ADMIN_EMAILS);

/** The login mode of this server; `unconfigured` means the dashboards must refuse to render. */
export function getAuthConfig(): AuthConfig {
  return authConfig;
}

/**
 * The signed-in user of this request (server components, server actions, route handlers), or null when
 * signed out or when authentication is not configured. In `local` and `none` mode everyone is an admin.
 */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  switch (authConfig.mode) {
    case 'local':
      return { userId: 'local', email: null, name: 'Local admin', isAdmin: true, mode: 'local' };
    case 'none':
      return { userId: 'anonymous', email: null, name: 'Anonymous', isAdmin: true, mode: 'none' };
    case 'unconfigured':
      return null;
    case 'clerk':
      return clerkViewer();
  }
});

async function clerkViewer(): Promise<Viewer | null> {
  const { userId, sessionClaims } = await auth();
  if (!userId) return null;
  let identity: Identity = identityFromClaims(sessionClaims as Record<string, unknown> | null);
  // Clerk's default session token has no email: ask the Backend API only then, so ADMIN_EMAILS still works.
  if (!identity.email) {
    const looked = await lookupClerkIdentity(userId);
    if (looked)
      identity = {
        email: looked.email,
        name: identity.name ?? looked.name,
        role: identity.role ?? looked.role,
      };
  }
  return {
    userId,
    email: identity.email,
    name: identity.name,
    isAdmin: isAdminIdentity(identity, adminEmails),
    mode: 'clerk',
  };
}

/** Who a viewer is in the audit log and the alert history: the email, else the Clerk user id. */
export const actorOf = (viewer: Pick<Viewer, 'email' | 'userId'>) => viewer.email ?? viewer.userId;

/** Throws unauthorized without a viewer and forbidden, naming `what` only admins can do, for a non-admin. */
export function assertAdmin(viewer: Viewer | null, what: string): asserts viewer is Viewer {
  if (!viewer) throw new AppError('unauthorized', 'Sign in to continue.');
  if (!viewer.isAdmin)
    throw new AppError(
      'forbidden',
      `Only admins can ${what}; ask an admin to do it, or to make you an admin.`,
    );
}

/** The signed-in admin of this request, for server actions that do `what`; see assertAdmin. */
export async function requireAdminTo(what: string): Promise<Viewer> {
  const viewer = await getViewer();
  assertAdmin(viewer, what);
  return viewer;
}

/** For admin-only server actions and pages: the viewer, or AppError unauthorized / forbidden. */
export async function requireAdmin(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) throw new AppError('unauthorized', 'Sign in to continue.');
  if (!viewer.isAdmin) {
    throw new AppError(
      'forbidden',
      'This action needs the admin role: ask an admin to add your email to ADMIN_EMAILS or set role "admin" in your Clerk public metadata.',
    );
  }
  return viewer;
}
