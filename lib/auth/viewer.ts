import 'server-only';
import { auth } from '@clerk/nextjs/server';
import { cache } from 'react';
import { describeError } from '@/db/errors';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { isKnownOrganization } from '@/lib/projects/queries';
import { AppError } from '@/lib/http/errors';
import {
  adminOnlyMessage,
  installationRole,
  parseAccessLists,
  type InstallRole,
  type ProjectRole,
} from './access';
import { identityFromClaims, type Identity } from './claims';
import { lookupClerkIdentity } from './clerk-user';
import { resolveAuthConfig, type AuthConfig, type AuthMode } from './mode';

/** The signed-in user of a request, before any project is chosen. */
export type Viewer = {
  userId: string;
  sessionId: string | null;
  email: string | null;
  name: string | null;
  mode: AuthMode;
  /** From ADMIN_EMAILS / VIEWER_EMAILS or Clerk public metadata; null for everyone else. */
  installRole: InstallRole;
  /**
   * Clerk's active organization of this session and the user's role in it, when that organization owns a
   * project here; an organization anyone could have created grants nothing (null).
   */
  orgId: string | null;
  orgRole: string | null;
  /** The active organization as Clerk says, known here or not (shown in the shell; an installation admin's new project joins it). */
  activeOrgId: string | null;
};

/** A viewer acting on one project they may see, with their role there. */
export type Member = Viewer & { projectId: string; projectSlug: string; role: ProjectRole };

const authConfig = resolveAuthConfig(env);
const accessLists = parseAccessLists(env.ADMIN_EMAILS, env.VIEWER_EMAILS);

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
      return openViewer('local', 'Local admin');
    case 'none':
      return openViewer('anonymous', 'Anonymous');
    case 'unconfigured':
      return null;
    case 'clerk':
      return clerkViewer();
  }
});

function openViewer(userId: string, name: string): Viewer {
  const mode = authConfig.mode as AuthMode;
  return {
    userId,
    sessionId: null,
    email: null,
    name,
    mode,
    installRole: 'admin',
    orgId: null,
    orgRole: null,
    activeOrgId: null,
  };
}

async function clerkViewer(): Promise<Viewer | null> {
  const { userId, sessionId, orgId, orgRole, sessionClaims } = await auth();
  if (!userId) return null;
  let identity: Identity = identityFromClaims(sessionClaims as Record<string, unknown> | null);
  // Clerk's default session token has no email: ask the Backend API only then, so the email lists still work.
  if (!identity.email) {
    const looked = await lookupClerkIdentity(userId);
    if (looked)
      identity = {
        email: looked.email,
        name: identity.name ?? looked.name,
        role: identity.role ?? looked.role,
      };
  }
  const activeOrgId = orgId || null;
  const known = activeOrgId ? await knownOrganization(activeOrgId) : false;
  const org = { orgId: known ? activeOrgId : null, orgRole: known ? (orgRole ?? null) : null };
  return {
    activeOrgId,
    userId,
    sessionId: sessionId ?? null,
    email: identity.email,
    name: identity.name,
    mode: 'clerk',
    installRole: installationRole(
      { email: identity.email, metadataRole: identity.role, ...org },
      accessLists,
    ),
    ...org,
  };
}

async function knownOrganization(orgId: string): Promise<boolean> {
  try {
    return await isKnownOrganization(orgId);
  } catch (error) {
    log.throttled('warn', 'organization_lookup_failed', { error: describeError(error) });
    return false;
  }
}

/** Who a viewer is in the audit log and the alert history: the email, else the Clerk user id. */
export const actorOf = (viewer: Pick<Viewer, 'email' | 'userId'>) => viewer.email ?? viewer.userId;

/**
 * Throws unless `member` administers `projectId`: a member object resolved for one project never authorizes
 * a change to another. `what` completes "Only admins of this project can ...".
 */
export function assertAdmin(
  member: Pick<Member, 'role' | 'projectId'> | null,
  projectId: string,
  what: string,
): asserts member is Member {
  if (!member) throw new AppError('unauthorized', 'Sign in to continue.');
  if (member.role !== 'admin' || member.projectId !== projectId)
    throw new AppError('forbidden', adminOnlyMessage(what));
}
