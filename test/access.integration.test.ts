/**
 * Default-deny access against the database: which projects a signed-in user sees (Clerk organization,
 * ADMIN_EMAILS / VIEWER_EMAILS), server actions that check who asks before what they sent, the read API's
 * session scope, and the audit trail of refusals and sign-ins.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Clerk is the only boundary faked: the real getViewer reads this session (claims, active organization).
const session = vi.hoisted(() => ({
  userId: null as string | null,
  sessionId: null as string | null,
  orgId: null as string | null,
  orgRole: null as string | null,
  claims: {} as Record<string, unknown>,
}));
vi.mock('@clerk/nextjs/server', () => ({
  auth: async () => ({
    userId: session.userId,
    sessionId: session.sessionId,
    orgId: session.orgId,
    orgRole: session.orgRole,
    sessionClaims: session.claims,
  }),
  clerkClient: async () => {
    throw new Error('the Clerk Backend API is not reachable from tests');
  },
}));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const ADMIN_EMAIL = 'access-root@example.com';
const VIEWER_DOMAIN = 'viewers.example.com';
process.env.INIT_PROJECT = `it-access-${randomUUID().slice(0, 8)}`;
process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY = 'pk_test_access';
process.env.CLERK_SECRET_KEY = 'sk_test_access';
process.env.ADMIN_EMAILS = ADMIN_EMAIL;
process.env.VIEWER_EMAILS = `@${VIEWER_DOMAIN}`;

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { getViewer } = await import('@/lib/auth/viewer');
const { NO_ACCESS_MESSAGE, auditSessionStart } = await import('@/lib/auth/members');
const { resolveReadScope } = await import('@/lib/auth/read-access');
const { listVisibleProjects, getVisibleProject } = await import('@/lib/projects/queries');
const { listAuditEntries } = await import('@/lib/audit/queries');
const { createProject } = await import('@/lib/settings/create-project');
const { getKv } = await import('@/lib/kv');
const settingsActions = await import('@/app/(dashboard)/settings/actions');
const ruleActions = await import('@/app/(dashboard)/alerts/rules/actions');
const alertActions = await import('@/app/(dashboard)/alerts/actions');

type Project = typeof schema.projects.$inferSelect;
type Viewer = import('@/lib/auth/viewer').Viewer;

const NOT_FOUND = 'No such project, or it is not shared with you; pick another project.';
const onlyAdmins = (what: string) =>
  `Only admins of this project can ${what}; ask one to do it, or to make you an admin.`;
const NO_FILTER = { actor: null, action: null, from: null, to: null };
const tag = () => randomUUID().slice(0, 8);

type Who = { email: string; orgId?: string; orgRole?: string; metadataRole?: string; sessionId?: string };
/** Signs `who` in: the next Clerk `auth()` answers with them. */
function signIn(who: Who) {
  Object.assign(session, {
    userId: `user_${tag()}`,
    sessionId: who.sessionId ?? `sess_${tag()}`,
    orgId: who.orgId ?? null,
    orgRole: who.orgRole ?? null,
    claims: { email: who.email, ...(who.metadataRole ? { metadata: { role: who.metadataRole } } : {}) },
  });
}
async function viewerAs(who: Who): Promise<Viewer> {
  signIn(who);
  const viewer = await getViewer();
  if (!viewer) throw new Error('signed in, yet no viewer');
  return viewer;
}

const newOrg = () => `org_${randomUUID().replaceAll('-', '')}`;
const newProject = (name: string, orgId: string | null) =>
  createProject({ name, slug: `acc-${randomUUID().slice(0, 12)}`, orgId });
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

async function auditByActor(actor: string) {
  const db = await getDb();
  return db
    .select()
    .from(schema.auditLog)
    .where(eq(schema.auditLog.actor, actor))
    .orderBy(schema.auditLog.id);
}
async function auditOfProject(projectId: string) {
  const db = await getDb();
  return db.select().from(schema.auditLog).where(eq(schema.auditLog.projectId, projectId));
}
async function ruleCount(projectId: string) {
  const db = await getDb();
  return (await db.select().from(schema.alertRules).where(eq(schema.alertRules.projectId, projectId))).length;
}

// One small tenant layout per file: two projects of organization A, one of B, one owned by no organization.
const orgA = newOrg();
const orgB = newOrg();
let a1: Project;
let a2: Project;
let b1: Project;
let loose: Project;
const mine = () => new Set([a1.id, a2.id, b1.id, loose.id]);
/** The test's own projects among what a viewer sees (other files add projects to the same database). */
const ownRoles = (projects: { id: string; slug: string; role: string }[]) =>
  projects.filter((p) => mine().has(p.id)).map((p) => [p.slug, p.role]);

beforeAll(async () => {
  a1 = await newProject('A one', orgA);
  a2 = await newProject('A two', orgA);
  b1 = await newProject('B one', orgB);
  loose = await newProject('No organization', null);
});

beforeEach(() => {
  Object.assign(session, { userId: null, sessionId: null, orgId: null, orgRole: null, claims: {} });
});

describe('which projects a signed-in user sees', () => {
  it('shows a stranger (no organization, on no list) nothing, by id or by slug', async () => {
    const stranger = await viewerAs({ email: `stranger-${tag()}@example.com` });
    expect(stranger).toMatchObject({ installRole: null, orgId: null });
    expect(await listVisibleProjects(stranger)).toEqual([]);
    for (const project of [a1, b1, loose]) {
      expect(await getVisibleProject(stranger, { id: project.id })).toBeNull();
      expect(await getVisibleProject(stranger, { slug: project.slug })).toBeNull();
    }
  });

  it('shows a member of an organization its projects only, as viewer; its org:admin as admin', async () => {
    const member = await viewerAs({ email: `m-${tag()}@example.com`, orgId: orgA, orgRole: 'org:member' });
    expect((await listVisibleProjects(member)).map((p) => [p.slug, p.role, p.orgId])).toEqual([
      [a1.slug, 'viewer', orgA],
      [a2.slug, 'viewer', orgA],
    ]);
    expect(await getVisibleProject(member, { id: a2.id })).toMatchObject({ slug: a2.slug, role: 'viewer' });
    expect(await getVisibleProject(member, { id: b1.id })).toBeNull();
    expect(await getVisibleProject(member, { slug: loose.slug })).toBeNull();

    const orgAdmin = await viewerAs({ email: `a-${tag()}@example.com`, orgId: orgA, orgRole: 'org:admin' });
    expect((await listVisibleProjects(orgAdmin)).map((p) => [p.slug, p.role])).toEqual([
      [a1.slug, 'admin'],
      [a2.slug, 'admin'],
    ]);
    expect(await getVisibleProject(orgAdmin, { id: loose.id })).toBeNull();
  });

  it("never shows a member of another organization A's projects", async () => {
    const other = await viewerAs({ email: `b-${tag()}@example.com`, orgId: orgB, orgRole: 'org:admin' });
    expect((await listVisibleProjects(other)).map((p) => [p.slug, p.role])).toEqual([[b1.slug, 'admin']]);
    expect(await getVisibleProject(other, { id: a1.id })).toBeNull();
    expect(await getVisibleProject(other, { slug: a2.slug })).toBeNull();
    expect(await getVisibleProject(other, { id: 'not-a-uuid' })).toBeNull();
  });

  it('shows an ADMIN_EMAILS user every project as admin, whatever organization is active', async () => {
    const root = await viewerAs({ email: ADMIN_EMAIL.toUpperCase(), orgId: orgB, orgRole: 'org:member' });
    expect(root.installRole).toBe('admin');
    expect(ownRoles(await listVisibleProjects(root))).toEqual([
      [a1.slug, 'admin'],
      [a2.slug, 'admin'],
      [b1.slug, 'admin'],
      [loose.slug, 'admin'],
    ]);
    expect(await getVisibleProject(root, { id: loose.id })).toMatchObject({ role: 'admin' });
  });

  it('shows a VIEWER_EMAILS @domain user every project as viewer, and a lookalike domain nothing', async () => {
    const viewer = await viewerAs({ email: `v-${tag()}@${VIEWER_DOMAIN}` });
    expect(viewer.installRole).toBe('viewer');
    expect(ownRoles(await listVisibleProjects(viewer))).toEqual([
      [a1.slug, 'viewer'],
      [a2.slug, 'viewer'],
      [b1.slug, 'viewer'],
      [loose.slug, 'viewer'],
    ]);
    expect(await getVisibleProject(viewer, { slug: loose.slug })).toMatchObject({ role: 'viewer' });

    for (const email of [`v-${tag()}@sub.${VIEWER_DOMAIN}`, `v-${tag()}@${VIEWER_DOMAIN}.evil.test`]) {
      const lookalike = await viewerAs({ email });
      expect(lookalike.installRole).toBeNull();
      expect(await listVisibleProjects(lookalike)).toEqual([]);
    }
  });

  it("gives an installation viewer who is an org:admin admin rights on that organization's projects only", async () => {
    const both = await viewerAs({ email: `vb-${tag()}@${VIEWER_DOMAIN}`, orgId: orgB, orgRole: 'org:admin' });
    expect(ownRoles(await listVisibleProjects(both))).toEqual([
      [a1.slug, 'viewer'],
      [a2.slug, 'viewer'],
      [b1.slug, 'admin'],
      [loose.slug, 'viewer'],
    ]);
  });

  it('lets a Clerk public-metadata role stand in for the email lists', async () => {
    const metaViewer = await viewerAs({ email: `mv-${tag()}@example.com`, metadataRole: 'Viewer' });
    expect(ownRoles(await listVisibleProjects(metaViewer)).map(([, role]) => role)).toEqual([
      'viewer',
      'viewer',
      'viewer',
      'viewer',
    ]);
    const metaAdmin = await viewerAs({ email: `ma-${tag()}@example.com`, metadataRole: 'admin' });
    expect(await getVisibleProject(metaAdmin, { id: b1.id })).toMatchObject({ role: 'admin' });
  });
});

describe('server actions check who asks before what they sent', () => {
  // Invalid for anyone: no rule kind, no name; and a key without name or scope.
  const badRule = (projectId: string) => ({ projectId, name: '', marker: 'FORM-MARKER-rule' });
  const badKey = (projectId: string) => ({ projectId, name: 'FORM-MARKER-key' });

  it('answers a stranger and a viewer with the refusal, not the validation message, and writes nothing', async () => {
    // An admin sending the same forms gets validation messages: the forms are really invalid.
    signIn({ email: `oa-${tag()}@example.com`, orgId: orgA, orgRole: 'org:admin' });
    const ruleValidation = await ruleActions.createRuleAction(null, form(badRule(a1.id)));
    const keyValidation = await settingsActions.createApiKeyAction(null, form(badKey(a1.id)));
    expect(ruleValidation).toEqual({
      error: 'Pick a rule kind: threshold, consecutive, change, budget, health.',
      values: badRule(a1.id),
    });
    expect(keyValidation).toEqual({
      error: 'Pick at least one scope: ingest, read or both.',
      values: badKey(a1.id),
    });

    signIn({ email: `stranger-${tag()}@example.com` });
    expect(await ruleActions.createRuleAction(null, form(badRule(a1.id)))).toEqual({
      error: NO_ACCESS_MESSAGE,
      values: badRule(a1.id),
    });
    expect(await settingsActions.createApiKeyAction(null, form(badKey(a1.id)))).toMatchObject({
      error: NO_ACCESS_MESSAGE,
    });

    signIn({ email: `om-${tag()}@example.com`, orgId: orgA, orgRole: 'org:member' });
    expect(await ruleActions.createRuleAction(null, form(badRule(a1.id)))).toMatchObject({
      error: onlyAdmins('add alert rules'),
    });
    expect(await settingsActions.createApiKeyAction(null, form(badKey(a1.id)))).toMatchObject({
      error: onlyAdmins('create API keys'),
    });

    const db = await getDb();
    expect(await ruleCount(a1.id)).toBe(17);
    expect(await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.projectId, a1.id))).toEqual([]);
  });

  it("refuses an organization's member another organization's project as if it did not exist", async () => {
    const outsider = `ob-${tag()}@example.com`;
    signIn({ email: outsider, orgId: orgB, orgRole: 'org:admin' });
    const valid = { projectId: a1.id, name: 'ci', scopes: 'read' };
    const foreign = await settingsActions.createApiKeyAction(null, form(valid));
    const missing = await settingsActions.createApiKeyAction(
      null,
      form({ ...valid, projectId: randomUUID() }),
    );
    expect(foreign).toMatchObject({ error: NOT_FOUND });
    expect(missing).toMatchObject({ error: NOT_FOUND });

    // A viewer action too: acknowledging needs only a project the user may see.
    signIn({ email: outsider, orgId: orgB, orgRole: 'org:member' });
    const [rule] = await (
      await getDb()
    )
      .select()
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, a1.id), eq(schema.alertRules.key, 'error-rate')));
    expect(
      await alertActions.acknowledgeAlertAction(
        null,
        form({ projectId: a1.id, ruleId: rule!.id, groupKey: '' }),
      ),
    ).toMatchObject({ error: NOT_FOUND });

    const db = await getDb();
    expect(await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.projectId, a1.id))).toEqual([]);
    expect((await auditOfProject(a1.id)).filter((a) => a.action !== 'access.refused')).toEqual([]);
  });

  it('lets an organization admin create a project, which joins their organization; its members see it', async () => {
    const org = newOrg();
    const email = `creator-${tag()}@example.com`;
    // Anyone can create an organization in Clerk: one that owns no project here grants nothing.
    signIn({ email, orgId: org, orgRole: 'org:admin' });
    expect(
      await settingsActions.createProjectAction(null, form({ name: 'Self-made', slug: `acc-self-${tag()}` })),
    ).toMatchObject({ error: expect.stringMatching(/no project is shared with you/) });
    // An installation admin lets the organization in by giving it a first project (created while it is active).
    signIn({ email: ADMIN_EMAIL, orgId: org, orgRole: 'org:member' });
    const first = `acc-first-${tag()}`;
    expect(
      await settingsActions.createProjectAction(null, form({ name: 'First', slug: first })),
    ).toMatchObject({
      slug: first,
    });
    signIn({ email, orgId: org, orgRole: 'org:admin' });
    const slug = `acc-new-${tag()}`;
    expect(await settingsActions.createProjectAction(null, form({ name: 'Org app', slug }))).toEqual({
      ok: 'Created project "Org app".',
      slug,
    });
    const db = await getDb();
    const [created] = await db.select().from(schema.projects).where(eq(schema.projects.slug, slug));
    expect(created).toMatchObject({ name: 'Org app', orgId: org });
    expect(await auditOfProject(created!.id)).toEqual([
      expect.objectContaining({
        actor: email,
        action: 'project.create',
        target: slug,
        details: { name: 'Org app', orgId: org },
      }),
    ]);

    const colleague = await viewerAs({ email: `c-${tag()}@example.com`, orgId: org, orgRole: 'org:member' });
    expect((await listVisibleProjects(colleague)).map((p) => [p.slug, p.role])).toEqual([
      [first, 'viewer'],
      [slug, 'viewer'],
    ]);
    const outsider = await viewerAs({ email: `o-${tag()}@example.com`, orgId: orgA, orgRole: 'org:admin' });
    expect(await getVisibleProject(outsider, { id: created!.id })).toBeNull();

    // An organization's plain member may not create projects.
    signIn({ email: `cm-${tag()}@example.com`, orgId: org, orgRole: 'org:member' });
    expect(
      await settingsActions.createProjectAction(null, form({ name: 'Nope', slug: `acc-no-${tag()}` })),
    ).toMatchObject({
      error: expect.stringMatching(/^Only admins can create projects/),
    });
  });

  it('lets a viewer member acknowledge a firing alert', async () => {
    const db = await getDb();
    const [rule] = await db
      .select()
      .from(schema.alertRules)
      .where(and(eq(schema.alertRules.projectId, a2.id), eq(schema.alertRules.key, 'error-rate')));
    const now = new Date();
    await db.insert(schema.alertInstances).values({
      projectId: a2.id,
      ruleId: rule!.id,
      groupKey: '',
      state: 'firing',
      since: now,
      value: 0.3,
      threshold: 0.01,
      lastEvaluatedAt: now,
    });
    const email = `ack-${tag()}@example.com`;
    signIn({ email, orgId: orgA, orgRole: 'org:member' });
    expect(
      await alertActions.acknowledgeAlertAction(
        null,
        form({ projectId: a2.id, ruleId: rule!.id, groupKey: '' }),
      ),
    ).toEqual({ ok: 'Acknowledged "Error rate above 1%": repeat notifications stop until it fires again.' });
    const [instance] = await db
      .select()
      .from(schema.alertInstances)
      .where(eq(schema.alertInstances.ruleId, rule!.id));
    expect(instance).toMatchObject({ acknowledgedBy: email });
    expect((await auditOfProject(a2.id)).map((a) => [a.actor, a.action])).toEqual([
      [email, 'alert.acknowledged'],
    ]);
  });
});

describe('the read API with a session', () => {
  const request = () => new Request('http://test/api/v1/stats/overview');

  it('refuses a stranger with 403 and a signed-out caller without a key with 401', async () => {
    signIn({ email: `stranger-${tag()}@example.com` });
    await expect(resolveReadScope(request(), () => a1.slug)).rejects.toMatchObject({
      status: 403,
      message: NO_ACCESS_MESSAGE,
    });
    await expect(resolveReadScope(request(), () => null)).rejects.toMatchObject({ status: 403 });
    Object.assign(session, { userId: null, sessionId: null });
    await expect(resolveReadScope(request(), () => a1.slug)).rejects.toMatchObject({ status: 401 });
  });

  it("answers another organization's slug exactly like a slug that does not exist", async () => {
    signIn({ email: `rb-${tag()}@example.com`, orgId: orgB, orgRole: 'org:admin' });
    const foreign = await resolveReadScope(request(), () => a1.slug).catch((error: unknown) => error);
    const missing = await resolveReadScope(request(), () => `acc-missing-${tag()}`).catch(
      (error: unknown) => error,
    );
    expect(foreign).toMatchObject({ status: 404, message: NOT_FOUND });
    expect(missing).toMatchObject({ status: 404, message: NOT_FOUND });
  });

  it("scopes a member to their own project, by slug or by default the organization's oldest", async () => {
    const email = `ra-${tag()}@example.com`;
    signIn({ email, orgId: orgA, orgRole: 'org:member' });
    expect(await resolveReadScope(request(), () => a2.slug)).toEqual({
      projectId: a2.id,
      projectSlug: a2.slug,
      via: 'session',
      actor: email,
    });
    expect(await resolveReadScope(request(), () => null)).toMatchObject({
      projectId: a1.id,
      projectSlug: a1.slug,
    });
  });
});

describe('the audit trail of access', () => {
  it('records each refusal with the actor, what and why, never the values of the form', async () => {
    const stranger = `stranger-${tag()}@example.com`;
    signIn({ email: stranger });
    await ruleActions.createRuleAction(null, form({ projectId: a1.id, name: 'FORM-MARKER-stranger' }));

    const member = `rm-${tag()}@example.com`;
    signIn({ email: member, orgId: orgA, orgRole: 'org:member' });
    await settingsActions.createApiKeyAction(
      null,
      form({ projectId: a1.id, name: 'FORM-MARKER-member', scopes: 'read' }),
    );

    const outsider = `ro-${tag()}@example.com`;
    signIn({ email: outsider, orgId: orgB, orgRole: 'org:admin' });
    await settingsActions.setDailyBudgetAction(null, form({ projectId: a1.id, dailyBudgetUsd: '4242.17' }));

    // Sees A's projects as an installation viewer, administers only B's: refused on the project itself.
    const viewer = `rv-${tag()}@${VIEWER_DOMAIN}`;
    signIn({ email: viewer, orgId: orgB, orgRole: 'org:admin' });
    await settingsActions.createApiKeyAction(
      null,
      form({ projectId: a1.id, name: 'FORM-MARKER-viewer', scopes: 'read' }),
    );

    const rows = [
      ...(await auditByActor(stranger)),
      ...(await auditByActor(member)),
      ...(await auditByActor(outsider)),
      ...(await auditByActor(viewer)),
    ];
    expect(rows.map((r) => [r.actor, r.action, r.projectId, r.target, r.details])).toEqual([
      [stranger, 'access.refused', null, null, { what: 'add alert rules', reason: 'no_access' }],
      [member, 'access.refused', null, null, { what: 'create API keys', reason: 'role', orgId: orgA }],
      [
        outsider,
        'access.refused',
        null,
        a1.id,
        { what: 'set daily budgets', reason: 'project_not_visible', orgId: orgB },
      ],
      [viewer, 'access.refused', a1.id, a1.slug, { what: 'create API keys', reason: 'role', orgId: orgB }],
    ]);
    // With its decimals: random ids (hex) and timestamps cannot hold it, as they could hold 4242.
    expect(JSON.stringify(rows)).not.toMatch(/FORM-MARKER|4242\.17/);
  });

  it('filters the audit log by actor, action prefix and time', async () => {
    const id = tag();
    const actor = `filter-${id}@example.com`;
    const before = new Date(Date.now() - 1000);
    signIn({ email: actor });
    await ruleActions.createRuleAction(null, form({ projectId: a1.id }));
    await settingsActions.createApiKeyAction(null, form({ projectId: a1.id }));
    const viewer = await getViewer();
    await auditSessionStart(viewer!, 'dashboard');
    const after = new Date(Date.now() + 1000);

    const byActor = await listAuditEntries(null, { ...NO_FILTER, actor: `FILTER-${id.toUpperCase()}` });
    expect(byActor.map((r) => [r.actor, r.action, r.details?.what ?? null])).toEqual([
      [actor, 'session.started', null],
      [actor, 'access.refused', 'create API keys'],
      [actor, 'access.refused', 'add alert rules'],
    ]);
    const refusals = await listAuditEntries(null, { ...NO_FILTER, actor, action: 'access.' });
    expect(refusals.map((r) => r.action)).toEqual(['access.refused', 'access.refused']);
    expect(await listAuditEntries(null, { ...NO_FILTER, actor, action: 'refused' })).toEqual([]);
    expect(await listAuditEntries(null, { actor, action: null, from: before, to: after })).toHaveLength(3);
    expect(await listAuditEntries(null, { actor, action: null, from: after, to: null })).toEqual([]);
    expect(await listAuditEntries(null, { actor, action: null, from: null, to: before })).toEqual([]);
    // Installation entries only: none of these name a project, so the project's log does not list them.
    expect(await listAuditEntries(a1.id, { ...NO_FILTER, actor })).toEqual([]);
    // LIKE wildcards in the filter are text, not patterns.
    const wild = await listAuditEntries(null, { ...NO_FILTER, actor: '%' });
    expect(wild.every((r) => r.actor.includes('%'))).toBe(true);
    const underscore = await listAuditEntries(null, { ...NO_FILTER, actor: `filter_${id}` });
    expect(underscore).toEqual([]);
  });

  it('records session.started once per Clerk session', async () => {
    const email = `session-${tag()}@example.com`;
    const sessionId = `sess_${randomUUID()}`;
    const viewer = await viewerAs({ email, orgId: orgA, orgRole: 'org:member', sessionId });
    await auditSessionStart(viewer, 'dashboard');
    await auditSessionStart(viewer, 'dashboard/logs');
    expect((await auditByActor(email)).map((r) => [r.action, r.target, r.projectId, r.details])).toEqual([
      ['session.started', 'dashboard', null, { installRole: null, orgId: orgA, orgRole: 'org:member' }],
    ]);
    expect(await getKv().ttl(`audit:session:${sessionId}`)).toBeGreaterThan(23 * 3600);

    const next = await viewerAs({ email, sessionId: `sess_${randomUUID()}` });
    await auditSessionStart(next, 'dashboard');
    await auditSessionStart({ ...next, sessionId: null }, 'dashboard');
    expect((await auditByActor(email)).map((r) => [r.action, r.details])).toEqual([
      ['session.started', { installRole: null, orgId: orgA, orgRole: 'org:member' }],
      ['session.started', { installRole: null }],
    ]);
  });
});
