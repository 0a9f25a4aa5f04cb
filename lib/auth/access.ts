/** Who may see which project: a pure decision over the session's claims, the env lists and the project's owner. */

export const PROJECT_ROLES = ['viewer', 'admin'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];
/** A role across the whole installation, from ADMIN_EMAILS / VIEWER_EMAILS or Clerk public metadata. */
export type InstallRole = ProjectRole | null;

export type AccessLists = {
  adminEmails: ReadonlySet<string>;
  viewerEmails: ReadonlySet<string>;
  /** `@example.com` entries of VIEWER_EMAILS, stored without the `@`. */
  viewerDomains: ReadonlySet<string>;
};

/** What the decision reads of a signed-in user: emails and metadata role, and Clerk's active organization. */
export type Principal = {
  email: string | null;
  /** `role` in Clerk public metadata: `admin` or `viewer` (any case). */
  metadataRole: string | null;
  orgId: string | null;
  /** Clerk's `orgRole`, e.g. `org:admin`, `org:member`. */
  orgRole: string | null;
  installRole?: InstallRole;
};

export const ORG_ADMIN_ROLE = 'org:admin';

/** Parses ADMIN_EMAILS / VIEWER_EMAILS: comma-separated, case-insensitive; `@domain` entries admit a domain. */
export function parseAccessLists(adminList: string | undefined, viewerList: string | undefined): AccessLists {
  const split = (list: string | undefined) =>
    (list ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean);
  const viewers = split(viewerList);
  return {
    adminEmails: new Set(split(adminList).filter((e) => !e.startsWith('@'))),
    viewerEmails: new Set(viewers.filter((e) => !e.startsWith('@'))),
    viewerDomains: new Set(viewers.filter((e) => e.startsWith('@') && e.length > 1).map((e) => e.slice(1))),
  };
}

/** Installation-wide role: admin wins over viewer; an email counts only when it has exactly one `@`. */
export function installationRole(principal: Principal, lists: AccessLists): InstallRole {
  const role = principal.metadataRole?.trim().toLowerCase() ?? null;
  const email = normalEmail(principal.email);
  if (role === 'admin' || (email && lists.adminEmails.has(email))) return 'admin';
  if (role === 'viewer') return 'viewer';
  if (email && (lists.viewerEmails.has(email) || lists.viewerDomains.has(email.split('@')[1]!)))
    return 'viewer';
  return null;
}

/**
 * The user's role on a project, or null when they may not see it. Installation admins administer every
 * project; a member of the owning organization (active in this session) is its admin with `org:admin`,
 * else its viewer; installation viewers see every project.
 */
export function projectRole(
  principal: Principal & { installRole: InstallRole },
  project: { orgId: string | null },
): ProjectRole | null {
  if (principal.installRole === 'admin') return 'admin';
  if (project.orgId !== null && principal.orgId !== null && project.orgId === principal.orgId) {
    return principal.orgRole === ORG_ADMIN_ROLE ? 'admin' : 'viewer';
  }
  return principal.installRole === 'viewer' ? 'viewer' : null;
}

/** Whether the dashboards open at all: an installation role, or an active organization (whose projects they see). */
export function mayEnter(principal: { installRole: InstallRole; orgId: string | null }): boolean {
  return principal.installRole !== null || principal.orgId !== null;
}

/** Creating a project: installation admins, and organization admins (the project joins their active organization). */
export function mayCreateProjects(principal: {
  installRole: InstallRole;
  orgId: string | null;
  orgRole: string | null;
}): boolean {
  return (
    principal.installRole === 'admin' || (principal.orgId !== null && principal.orgRole === ORG_ADMIN_ROLE)
  );
}

/** Whether `role` is enough for something that needs `required`. */
export function roleAtLeast(role: ProjectRole | null, required: ProjectRole): boolean {
  if (role === null) return false;
  return required === 'viewer' || role === 'admin';
}

function normalEmail(email: string | null): string | null {
  const value = email?.trim().toLowerCase();
  if (!value) return null;
  const parts = value.split('@');
  return parts.length === 2 && parts[0] && parts[1] ? value : null;
}

/** The refusal when someone without the admin role of a project tries `what` (e.g. "add alert rules"). */
export function adminOnlyMessage(what: string): string {
  return `Only admins of this project can ${what}; ask one to do it, or to make you an admin.`;
}
