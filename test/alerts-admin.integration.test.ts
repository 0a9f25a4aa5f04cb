/**
 * The alert rule editor and the notification channel settings against the database: every change is
 * audited without secrets, non-admins change nothing, and "send test" reaches a real HTTP receiver.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Clerk is the only boundary faked: the real getViewer decides from these session claims and
// ADMIN_EMAILS / VIEWER_EMAILS (no active organization).
const session = vi.hoisted(() => ({ claims: { email: 'admin@example.com' } as Record<string, unknown> }));
vi.mock('@clerk/nextjs/server', () => ({
  auth: async () => ({
    userId: 'user_alerts_admin_test',
    sessionId: 'sess_alerts_admin_test',
    orgId: null,
    orgRole: null,
    sessionClaims: session.claims,
  }),
  clerkClient: async () => {
    throw new Error('the Clerk Backend API is not reachable from tests');
  },
}));
const cache = vi.hoisted(() => ({ revalidatePath: vi.fn() }));
vi.mock('next/cache', () => cache);

type Received = {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  json: Record<string, unknown>;
};
const received: Received[] = [];
/** Records every request; answers 500 under /fail, 200 elsewhere. */
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    received.push({ path, headers: req.headers, raw, json: JSON.parse(raw) as Record<string, unknown> });
    const failing = path.startsWith('/fail');
    res
      .writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' })
      .end(failing ? 'receiver is down' : 'ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

process.env.INIT_PROJECT = `it-alerts-admin-${randomUUID().slice(0, 8)}`;
process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY = 'pk_test_alerts_admin';
process.env.CLERK_SECRET_KEY = 'sk_test_alerts_admin';
process.env.ADMIN_EMAILS = 'admin@example.com';
process.env.VIEWER_EMAILS = 'viewer@example.com';
// The receiver listens on loopback, which settings channels may reach only when the operator allows it.
process.env.CHANNEL_ALLOWED_HOSTS = '127.0.0.1';
process.env.ALERT_WEBHOOK_URL = `${base}/env-hook/ENVSECRETPATH?token=envtoken`;

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { createProject } = await import('@/lib/settings/create-project');
const { listRules } = await import('@/lib/alerts/rules/queries');
const ruleAdmin = await import('@/lib/alerts/rules/admin');
const { ruleFormSchema, ruleFormValues } = await import('@/lib/alerts/rules/schema');
const channelAdmin = await import('@/lib/alerts/channels/admin');
const { channelFormSchema } = await import('@/lib/alerts/channels/schema');
const channelQueries = await import('@/lib/alerts/channels/queries');
const { loadEnabledChannelsByProject } = channelQueries;
const { sendTestNotification } = await import('@/lib/alerts/channels/send-test');
const ruleActions = await import('@/app/(dashboard)/alerts/rules/actions');
const channelActions = await import('@/app/(dashboard)/alerts/channels/actions');

type Member = import('@/lib/auth/viewer').Member;
type ProjectRef = { id: string; slug: string };
const signedIn = {
  sessionId: null,
  name: null,
  mode: 'clerk',
  orgId: null,
  orgRole: null,
  activeOrgId: null,
} as const;
/** An installation admin (ADMIN_EMAILS) acting on `project`. */
const adminOf = (project: ProjectRef): Member => ({
  ...signedIn,
  userId: 'u_admin',
  email: 'admin@example.com',
  installRole: 'admin',
  projectId: project.id,
  projectSlug: project.slug,
  role: 'admin',
});
/** An installation viewer (VIEWER_EMAILS) acting on `project`. */
const viewerOf = (project: ProjectRef): Member => ({
  ...signedIn,
  userId: 'u_viewer',
  email: 'viewer@example.com',
  installRole: 'viewer',
  projectId: project.id,
  projectSlug: project.slug,
  role: 'viewer',
});

const newProject = () => createProject({ name: 'Alerts admin', slug: `aa-${randomUUID().slice(0, 12)}` });
const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(name, v);
  return data;
};

async function auditOf(projectId: string) {
  const db = await getDb();
  return db
    .select()
    .from(schema.auditLog)
    .where(eq(schema.auditLog.projectId, projectId))
    .orderBy(schema.auditLog.id);
}

async function ruleRow(projectId: string, key: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(schema.alertRules)
    .where(and(eq(schema.alertRules.projectId, projectId), eq(schema.alertRules.key, key)));
  return row!;
}

const edited = (rule: import('@/lib/alerts/engine/types').Rule, changes: Record<string, string>) =>
  ruleFormSchema.parse({ ...ruleFormValues(rule), ...changes });

beforeEach(() => {
  session.claims = { email: 'admin@example.com' };
  cache.revalidatePath.mockClear();
  received.length = 0;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe(`alert rules against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  it('lists the default rules, edits one in the units of the form, and keeps columns and definition in sync', async () => {
    const project = await newProject();
    const rules = await listRules(project.id);
    expect(rules.map((r) => r.key).slice(0, 3)).toEqual([
      'error-rate',
      'p95-response-time',
      'ai-consecutive-failures',
    ]);
    expect(rules).toHaveLength(17);
    const errorRate = rules[0]!;

    const { changed } = await ruleAdmin.updateRule(
      adminOf(project),
      project.id,
      errorRate.id,
      edited(errorRate, { value: '5', severity: 'P2', name: 'Error rate above 5%' }),
    );
    expect(changed).toBe(true);
    const row = await ruleRow(project.id, 'error-rate');
    expect(row).toMatchObject({
      name: 'Error rate above 5%',
      severity: 'P2',
      kind: 'threshold',
      enabled: true,
    });
    expect(row.definition).toMatchObject({
      value: 0.05,
      severity: 'P2',
      name: 'Error rate above 5%',
      key: 'error-rate',
    });
    // The cron's read sees the edit.
    expect(
      (await listRules(project.id, { enabledOnly: true })).find((r) => r.key === 'error-rate'),
    ).toMatchObject({
      value: 0.05,
      severity: 'P2',
    });

    const again = await ruleAdmin.updateRule(
      adminOf(project),
      project.id,
      errorRate.id,
      edited(row.definition, {}),
    );
    expect(again.changed).toBe(false);
    const audit = await auditOf(project.id);
    expect(audit.map((a) => [a.actor, a.action, a.target])).toEqual([
      ['admin@example.com', 'alert_rule.updated', 'error-rate'],
    ]);
    expect(audit[0]!.details).toEqual({
      name: 'Error rate above 5%',
      before: { name: 'Error rate above 1%', severity: 'P1', value: 0.01 },
      after: { name: 'Error rate above 5%', severity: 'P2', value: 0.05 },
    });
  });

  it('disables a rule out of the cron, resets it to default without enabling it, and refuses to delete it', async () => {
    const project = await newProject();
    const [errorRate] = await listRules(project.id);
    await ruleAdmin.updateRule(
      adminOf(project),
      project.id,
      errorRate!.id,
      edited(errorRate!, { value: '7', forAmount: '3', forUnit: 'm' }),
    );
    await ruleAdmin.setRuleEnabled(adminOf(project), project.id, errorRate!.id, false);
    let row = await ruleRow(project.id, 'error-rate');
    expect([row.enabled, row.definition.enabled]).toEqual([false, false]);
    expect((await listRules(project.id, { enabledOnly: true })).map((r) => r.key)).not.toContain(
      'error-rate',
    );

    const reset = await ruleAdmin.resetRule(adminOf(project), project.id, errorRate!.id);
    expect(reset.changed).toBe(true);
    row = await ruleRow(project.id, 'error-rate');
    expect(row.definition).toMatchObject({ value: 0.01, forMs: 0, enabled: false });
    expect(row.enabled).toBe(false);
    await expect(ruleAdmin.deleteRule(adminOf(project), project.id, errorRate!.id)).rejects.toMatchObject({
      code: 'bad_request',
      message: 'Default rules cannot be deleted; disable it, or reset it to default.',
    });

    const audit = await auditOf(project.id);
    expect(audit.map((a) => a.action)).toEqual([
      'alert_rule.updated',
      'alert_rule.disabled',
      'alert_rule.reset',
    ]);
    expect(audit[1]!.details).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(audit[2]!.details).toMatchObject({
      before: { value: 0.07, forMs: 180_000 },
      after: { value: 0.01, forMs: 0 },
    });
  });

  it('adds custom rules under unique keys and deletes one with its open alerts, keeping its history', async () => {
    const project = await newProject();
    const fields = ruleFormSchema.parse({
      kind: 'consecutive',
      name: 'Checkout failures',
      severity: 'P2',
      event: 'request_failed',
      count: '4',
      withinAmount: '2',
      withinUnit: 'm',
    });
    const first = await ruleAdmin.createRule(adminOf(project), project.id, fields);
    const second = await ruleAdmin.createRule(adminOf(project), project.id, fields);
    expect([first.key, second.key]).toEqual(['custom-checkout-failures', 'custom-checkout-failures-2']);
    expect(first).toMatchObject({
      kind: 'consecutive',
      count: 4,
      withinMs: 120_000,
      enabled: true,
      category: 'reliability',
    });

    const db = await getDb();
    const at = new Date();
    await db
      .insert(schema.alertInstances)
      .values({ projectId: project.id, ruleId: first.id, state: 'firing', since: at, lastEvaluatedAt: at });
    const [transition] = await db
      .insert(schema.alertTransitions)
      .values({ projectId: project.id, ruleId: first.id, fromState: 'pending', toState: 'firing', at })
      .returning();
    await db.insert(schema.notificationDeliveries).values({
      projectId: project.id,
      transitionId: transition!.id,
      channel: 'env:webhook',
      nextAttemptAt: at,
    });
    await db
      .insert(schema.silences)
      .values({ projectId: project.id, ruleId: first.id, endsAt: new Date(at.getTime() + 3_600_000) });

    await expect(
      ruleAdmin.updateRule(
        adminOf(project),
        project.id,
        first.id,
        ruleFormSchema.parse({
          ...ruleFormValues(first),
          kind: 'health',
          dependency: 'any',
          failures: '2',
        }),
      ),
    ).rejects.toMatchObject({ code: 'bad_request' });
    // Firing: deleting would leave its pages open; the admin is told to disable it first.
    await expect(ruleAdmin.deleteRule(adminOf(project), project.id, first.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('disable the rule first'),
    });
    await db
      .update(schema.alertInstances)
      .set({ state: 'resolved' })
      .where(eq(schema.alertInstances.ruleId, first.id));
    expect((await ruleAdmin.deleteRule(adminOf(project), project.id, first.id)).key).toBe(
      'custom-checkout-failures',
    );

    const byProject = <T extends { projectId: unknown }>(table: T) =>
      eq(table.projectId as never, project.id);
    expect(await db.select().from(schema.alertInstances).where(byProject(schema.alertInstances))).toEqual([]);
    expect(await db.select().from(schema.silences).where(byProject(schema.silences))).toEqual([]);
    expect(
      await db.select().from(schema.alertTransitions).where(byProject(schema.alertTransitions)),
    ).toHaveLength(1);
    expect(
      await db.select().from(schema.notificationDeliveries).where(byProject(schema.notificationDeliveries)),
    ).toEqual([
      expect.objectContaining({
        status: 'failed',
        nextAttemptAt: null,
        lastError: 'rule deleted before delivery',
      }),
    ]);
    expect((await listRules(project.id)).map((r) => r.key)).not.toContain('custom-checkout-failures');
    const audit = await auditOf(project.id);
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ['alert_rule.created', 'custom-checkout-failures'],
      ['alert_rule.created', 'custom-checkout-failures-2'],
      ['alert_rule.deleted', 'custom-checkout-failures'],
    ]);
    expect(audit[2]!.details).toMatchObject({
      instancesDeleted: 1,
      before: { key: 'custom-checkout-failures', count: 4 },
    });
  });

  it('refuses non-admins, through the verbs and the server actions, and changes nothing', async () => {
    const project = await newProject();
    const [errorRate] = await listRules(project.id);
    await expect(
      ruleAdmin.setRuleEnabled(viewerOf(project), project.id, errorRate!.id, false),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      ruleAdmin.updateRule(viewerOf(project), project.id, errorRate!.id, edited(errorRate!, { value: '50' })),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(ruleAdmin.deleteRule(null, project.id, errorRate!.id)).rejects.toMatchObject({
      code: 'unauthorized',
    });

    session.claims = { email: 'viewer@example.com' };
    const state = await ruleActions.setRuleEnabledAction(
      null,
      form({ projectId: project.id, ruleId: errorRate!.id, enabled: 'false' }),
    );
    expect(state).toMatchObject({
      error: expect.stringMatching(/^Only admins of this project can enable or disable alert rules/),
    });
    expect(await ruleRow(project.id, 'error-rate')).toMatchObject({
      enabled: true,
      definition: { value: 0.01 },
    });
    expect(await auditOf(project.id)).toEqual([]);
    expect(cache.revalidatePath).not.toHaveBeenCalled();
  });

  it('server actions save an edit and return to the list, or explain bad input', async () => {
    const project = await newProject();
    const [errorRate] = await listRules(project.id);
    const fields = { ...ruleFormValues(errorRate!), projectId: project.id, ruleId: errorRate!.id };
    await expect(ruleActions.updateRuleAction(null, form({ ...fields, value: '5' }))).rejects.toMatchObject({
      digest: expect.stringContaining(`/alerts/rules?project=${project.slug}&saved=${errorRate!.id}`),
    });
    expect((await ruleRow(project.id, 'error-rate')).definition).toMatchObject({ value: 0.05 });
    expect(cache.revalidatePath).toHaveBeenCalledWith('/alerts/rules');
    expect(await ruleActions.updateRuleAction(null, form({ ...fields, value: '120' }))).toMatchObject({
      error: 'Threshold must be between 0% and 100%.',
      values: { value: '120' },
    });
    expect(
      await ruleActions.setRuleEnabledAction(
        null,
        form({ projectId: project.id, ruleId: errorRate!.id, enabled: 'false' }),
      ),
    ).toEqual({
      ok: 'Disabled “Error rate above 1%”.',
    });
    expect((await auditOf(project.id)).map((a) => a.action)).toEqual([
      'alert_rule.updated',
      'alert_rule.disabled',
    ]);
  });
});

describe('notification channels', () => {
  const webhookForm = (url: string, extra: Record<string, string> = {}) =>
    channelFormSchema.parse({
      type: 'webhook',
      name: 'On-call hook',
      url,
      severities: ['P1', 'P2'],
      sendResolved: 'on',
      enabled: 'on',
      ...extra,
    });

  it('stores a channel, shows only its host, keeps blank secrets on edit and audits without secrets', async () => {
    const project = await newProject();
    const created = await channelAdmin.createChannel(
      adminOf(project),
      project.id,
      webhookForm(`${base}/hook/SECRETPATH1?token=tok1`, { secret: 'signing-secret-1' }),
    );
    expect(created).toMatchObject({
      source: 'settings',
      view: { type: 'webhook', target: base, details: ['signed'] },
      hasSecret: true,
    });
    expect((await loadEnabledChannelsByProject()).get(project.id)).toEqual([
      expect.objectContaining({
        id: `db:${created.id}`,
        kind: 'webhook',
        severities: ['P1', 'P2'],
        sendResolved: true,
      }),
    ]);

    const keep = await channelAdmin.updateChannel(
      adminOf(project),
      project.id,
      created.id,
      webhookForm('', { name: 'Renamed hook', severities: 'P1' } as never),
    );
    expect(keep.changed).toBe(true);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(schema.notificationChannels)
      .where(eq(schema.notificationChannels.id, created.id));
    expect(row).toMatchObject({
      name: 'Renamed hook',
      severities: ['P1'],
      config: { type: 'webhook', url: `${base}/hook/SECRETPATH1?token=tok1`, secret: 'signing-secret-1' },
    });
    await channelAdmin.updateChannel(
      adminOf(project),
      project.id,
      created.id,
      webhookForm(`${base}/hook/SECRETPATH2`, {
        name: 'Renamed hook',
        severities: 'P1',
        clearSecret: 'on',
      } as never),
    );
    await channelAdmin.setChannelEnabled(adminOf(project), project.id, created.id, false);
    expect((await loadEnabledChannelsByProject()).get(project.id)).toBeUndefined();
    await channelAdmin.deleteChannel(adminOf(project), project.id, created.id);
    expect(await channelQueries.listChannels(project.id)).toEqual([]);

    const audit = await auditOf(project.id);
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ['channel.created', 'On-call hook'],
      ['channel.updated', 'Renamed hook'],
      ['channel.updated', 'Renamed hook'],
      ['channel.updated', 'Renamed hook'],
      ['channel.deleted', 'Renamed hook'],
    ]);
    expect(audit[1]!.details).toEqual({
      id: created.id,
      before: { name: 'On-call hook', severities: ['P1', 'P2'] },
      after: { name: 'Renamed hook', severities: ['P1'] },
    });
    expect(audit[2]!.details).toMatchObject({ secretsChanged: ['url', 'secret'], after: { details: [] } });
    expect(audit[3]!.details).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    const serialized = JSON.stringify(audit);
    for (const secret of ['SECRETPATH1', 'SECRETPATH2', 'tok1', 'signing-secret-1'])
      expect(serialized).not.toContain(secret);
  });

  it('refuses non-admins and explains what is missing', async () => {
    const project = await newProject();
    await expect(
      channelAdmin.createChannel(viewerOf(project), project.id, webhookForm(`${base}/hook`)),
    ).rejects.toMatchObject({ code: 'forbidden' });
    session.claims = { email: 'viewer@example.com' };
    const refused = await channelActions.createChannelAction(
      null,
      form({ projectId: project.id, type: 'webhook', name: 'x', url: `${base}/hook`, severities: 'P1' }),
    );
    expect(refused).toMatchObject({
      error: expect.stringMatching(/^Only admins of this project can add notification channels/),
    });
    session.claims = { email: 'admin@example.com' };
    const missing = await channelActions.createChannelAction(
      null,
      form({ projectId: project.id, type: 'slack', name: 'x', severities: 'P1' }),
    );
    expect(missing).toMatchObject({ error: 'Enter the Slack incoming webhook URL.' });
    const bad = await channelActions.createChannelAction(
      null,
      form({
        projectId: project.id,
        type: 'webhook',
        name: 'x',
        url: 'file:///etc/passwd',
        severities: 'P1',
      }),
    );
    expect(bad).toMatchObject({ error: 'Webhook URL must be a full http:// or https:// URL.' });
    expect(await channelQueries.listChannels(project.id)).toEqual([]);
    expect(await auditOf(project.id)).toEqual([]);
  });

  it('sends a signed test notification to a real receiver once, stores no delivery and audits the outcome', async () => {
    const project = await newProject();
    const created = await channelAdmin.createChannel(
      adminOf(project),
      project.id,
      webhookForm(`${base}/hook/TESTSECRET`, { secret: 'sig-secret' }),
    );
    const outcome = await sendTestNotification(adminOf(project), project.id, created.id);
    expect(outcome).toMatchObject({ channelName: 'On-call hook', ok: true, status: 200 });
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.path).toBe('/hook/TESTSECRET');
    expect(request.headers['x-chatwatch-signature']).toBe(
      `sha256=${createHmac('sha256', 'sig-secret').update(request.raw).digest('hex')}`,
    );
    expect(request.json).toMatchObject({
      kind: 'test',
      severity: 'P2',
      rule: { key: 'chatwatch-test' },
      project: { slug: project.slug },
    });

    const db = await getDb();
    expect(
      await db
        .select()
        .from(schema.notificationDeliveries)
        .where(eq(schema.notificationDeliveries.projectId, project.id)),
    ).toEqual([]);
    const [audit] = await auditOf(project.id).then((rows) =>
      rows.filter((a) => a.action === 'channel.tested'),
    );
    expect(audit).toMatchObject({
      target: 'On-call hook',
      details: { channel: `db:${created.id}`, ok: true, status: 200 },
    });
  });

  it('shows a failing receiver as a failed test, tried once, with no secret in the message', async () => {
    const project = await newProject();
    const created = await channelAdmin.createChannel(
      adminOf(project),
      project.id,
      webhookForm(`${base}/fail/FAILSECRET?token=failtok`),
    );
    const state = await channelActions.testChannelAction(
      null,
      form({ projectId: project.id, channelId: created.id }),
    );
    expect(state).toMatchObject({
      ok: `Not delivered to “On-call hook”: HTTP 500 from ${base}`,
      test: { ok: false, status: 500 },
    });
    expect(received.map((r) => r.path)).toEqual(['/fail/FAILSECRET?token=failtok']);
    const audit = (await auditOf(project.id)).find((a) => a.action === 'channel.tested');
    expect(audit?.details).toMatchObject({
      ok: false,
      status: 500,
      error: `HTTP 500 from ${base}`,
    });
    // Neither the channel's secrets nor what the receiver answered reach the admin or the audit log.
    expect(JSON.stringify([state, audit])).not.toMatch(/FAILSECRET|failtok|receiver is down/);
  });

  it('tests an environment channel, which is listed read-only with its host only; non-admins cannot test', async () => {
    const project = await newProject();
    expect(channelQueries.listEnvChannels()).toEqual([
      expect.objectContaining({
        id: 'env:webhook',
        source: 'env',
        view: { type: 'webhook', target: base, details: [] },
      }),
    ]);
    expect(JSON.stringify(channelQueries.listEnvChannels())).not.toMatch(/ENVSECRETPATH|envtoken/);
    await expect(sendTestNotification(viewerOf(project), project.id, 'env:webhook')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(received).toEqual([]);
    expect(await sendTestNotification(adminOf(project), project.id, 'env:webhook')).toMatchObject({
      ok: true,
      status: 200,
    });
    expect(received.map((r) => [r.path, r.json.kind])).toEqual([
      ['/env-hook/ENVSECRETPATH?token=envtoken', 'test'],
    ]);
    await expect(sendTestNotification(adminOf(project), project.id, 'env:slack')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
