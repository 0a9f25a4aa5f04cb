import 'server-only';
import { recordAudit, recordAuditSummary } from '@/lib/audit/record';
import { getKv } from '@/lib/kv';
import { AppError } from '@/lib/http/errors';
import { log } from '@/lib/log';
import { getVisibleProject, type ProjectAccess, type ProjectRef } from '@/lib/projects/queries';
import { adminOnlyMessage, mayCreateProjects, mayEnter, roleAtLeast, type ProjectRole } from './access';
import { actorOf, getViewer, type Member, type Viewer } from './viewer';

export const NO_ACCESS_MESSAGE =
  'You are signed in, but no project is shared with you: ask an admin to invite you to their organization, or to add your email to VIEWER_EMAILS.';
export const SIGN_IN_MESSAGE = 'Sign in to continue.';
const SESSION_AUDIT_TTL_SECONDS = 24 * 3600;
const MAX_TARGET = 200;

/** The signed-in viewer who may enter the dashboards at all; throws 401, or 403 (audited) for a stranger. */
export async function requireViewer(what: string): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) throw new AppError('unauthorized', SIGN_IN_MESSAGE);
  if (!mayEnter(viewer)) {
    await auditRefusal(viewer, what, 'no_access');
    throw new AppError('forbidden', NO_ACCESS_MESSAGE);
  }
  return viewer;
}

/**
 * `viewer` acting on one project with at least `required`: a project they may not see is the same 404 as
 * one that does not exist; too small a role is 403. Every refusal is audited.
 */
export async function requireMember(
  viewer: Viewer,
  ref: ProjectRef,
  required: ProjectRole,
  what: string,
): Promise<Member> {
  const project = await getVisibleProject(viewer, ref);
  if (!project) {
    await auditRefusal(viewer, what, 'project_not_visible', 'slug' in ref ? ref.slug : ref.id);
    throw new AppError('not_found', 'No such project, or it is not shared with you; pick another project.');
  }
  if (!roleAtLeast(project.role, required)) {
    await auditRefusal(viewer, what, 'role', project.slug, project.id);
    throw new AppError('forbidden', adminOnlyMessage(what));
  }
  return memberOf(viewer, project);
}

/** For creating projects: installation admins, and organization admins for their active organization. */
export async function requireProjectCreator(): Promise<Viewer> {
  const viewer = await requireViewer('create projects');
  if (!mayCreateProjects(viewer)) {
    await auditRefusal(viewer, 'create projects', 'role');
    throw new AppError(
      'forbidden',
      'Only admins can create projects: an organization admin, or an installation admin (ADMIN_EMAILS).',
    );
  }
  return viewer;
}

export function memberOf(viewer: Viewer, project: ProjectAccess): Member {
  return { ...viewer, projectId: project.id, projectSlug: project.slug, role: project.role };
}

/**
 * Audits a refused access: who asked, for what, and why; never the input they sent. Summarised per user,
 * reason and minute (one row with a count), so a signed-in stranger cannot flood the log.
 */
export async function auditRefusal(
  viewer: Viewer,
  what: string,
  reason: string,
  target?: string,
  projectId?: string,
) {
  const actor = actorOf(viewer);
  await recordAuditSummary(
    {
      projectId: projectId ?? null,
      actor,
      action: 'access.refused',
      // JSON escapes keep control characters and lone surrogates (which Postgres refuses) out of the row.
      target: target ? JSON.stringify(target.slice(0, MAX_TARGET)).slice(1, -1) : null,
      details: { what, reason, ...(viewer.orgId ? { orgId: viewer.orgId } : {}) },
    },
    `${viewer.userId}:${reason}:${what}:${projectId ?? '-'}`,
  );
}

/** Audits the first dashboard request of a Clerk session (once per session id, kept in KV for a day). */
export async function auditSessionStart(viewer: Viewer, path: string): Promise<void> {
  if (!viewer.sessionId) return;
  try {
    const fresh = await getKv().set(`audit:session:${viewer.sessionId}`, '1', {
      ttlSeconds: SESSION_AUDIT_TTL_SECONDS,
      onlyIfAbsent: true,
    });
    if (!fresh) return;
  } catch (error) {
    log.throttled('warn', 'session_audit_kv_unavailable', { error: String(error) });
    return;
  }
  await recordAudit({
    actor: actorOf(viewer),
    action: 'session.started',
    target: path.slice(0, MAX_TARGET),
    details: {
      installRole: viewer.installRole,
      ...(viewer.orgId ? { orgId: viewer.orgId, orgRole: viewer.orgRole } : {}),
    },
  });
}
