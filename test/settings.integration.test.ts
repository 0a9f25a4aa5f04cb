import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Clerk is the only boundary faked: the real access checks decide from these session claims,
// ADMIN_EMAILS / VIEWER_EMAILS and the (here absent) active organization.
const session = vi.hoisted(() => ({ claims: { email: 'admin@example.com' } as Record<string, unknown> }));
vi.mock('@clerk/nextjs/server', () => ({
  auth: async () => ({
    userId: 'user_settings_test',
    sessionId: 'sess_settings_test',
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

process.env.INIT_PROJECT = `it-settings-${randomUUID().slice(0, 8)}`;
process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY = 'pk_test_settings';
process.env.CLERK_SECRET_KEY = 'sk_test_settings';
process.env.ADMIN_EMAILS = 'admin@example.com';
process.env.VIEWER_EMAILS = 'viewer@example.com';
// Lets a test send its own client IP (X-Forwarded-For through a 10.x proxy), as behind a real proxy.
process.env.TRUSTED_PROXIES = '10.0.0.0/8';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { authenticateApiKey } = await import('@/lib/auth/api-keys');
const { hashApiKey, displayPrefix } = await import('@/lib/auth/api-key-format');
const { ingestBatch } = await import('@/lib/ingest/ingest');
const { createProject } = await import('@/lib/settings/create-project');
const { createApiKey } = await import('@/lib/settings/create-api-key');
const { revokeApiKey } = await import('@/lib/settings/revoke-api-key');
const { upsertModelPrice } = await import('@/lib/settings/upsert-model-price');
const { deleteModelPrice } = await import('@/lib/settings/delete-model-price');
const queries = await import('@/lib/settings/queries');
const { listAuditEntries } = await import('@/lib/audit/queries');
const { default: AuditPage } = await import('@/app/(dashboard)/settings/audit/page');
const { renderToStaticMarkup } = await import('react-dom/server');
const actions = await import('@/app/(dashboard)/settings/actions');

const slug = () => `s-${randomUUID().slice(0, 12)}`;
const NO_FILTER = { actor: null, action: null, from: null, to: null };
const request = (key: string) =>
  new Request('http://test/api/v1/events', { method: 'POST', headers: { Authorization: `Bearer ${key}` } });
const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(name, v);
  return data;
};
const price = (input: number, output: number) => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheReadPerMTok: 0,
  cacheWritePerMTok: 0,
});

/** Cost stored for one ai.call of a million input and a million output tokens on claude-sonnet-4-5. */
async function costOfOneCall(projectId: string): Promise<number | null | undefined> {
  const result = await ingestBatch(projectId, {
    events: [
      {
        type: 'ai.call',
        id: randomUUID(),
        model: 'claude-sonnet-4-5',
        durationMs: 1,
        inputTokens: 1e6,
        outputTokens: 1e6,
      },
    ],
  });
  expect(result.body.accepted).toBe(1);
  return result.stored[0]?.costUsd;
}

/** The audit log page as the signed-in user sees it, as HTML. */
async function auditPage(params: Record<string, string>) {
  return renderToStaticMarkup(await AuditPage({ searchParams: Promise.resolve(params) }));
}

async function auditOf(projectId: string) {
  const db = await getDb();
  return db
    .select()
    .from(schema.auditLog)
    .where(eq(schema.auditLog.projectId, projectId))
    .orderBy(schema.auditLog.id);
}

beforeEach(() => {
  session.claims = { email: 'admin@example.com' };
  cache.revalidatePath.mockClear();
});

describe(`settings verbs against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  it('creates a key that is stored only as its hash and that the API accepts for its scopes', async () => {
    const project = await createProject({ name: 'Keys', slug: slug() });
    const created = await createApiKey(project.id, { name: 'ingest only', scopes: ['ingest'] });
    const db = await getDb();
    const [row] = await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.id, created.id));
    expect(row).toMatchObject({
      projectId: project.id,
      keyHash: hashApiKey(created.key),
      prefix: displayPrefix(created.key),
      scopes: ['ingest'],
      revokedAt: null,
    });
    expect(JSON.stringify(row)).not.toContain(created.key);
    await expect(authenticateApiKey(request(created.key), 'ingest')).resolves.toEqual({
      projectId: project.id,
      keyId: created.id,
      scopes: ['ingest'],
      kind: 'server',
      allowedOrigins: [],
    });
    await expect(authenticateApiKey(request(created.key), 'read')).rejects.toMatchObject({ status: 403 });
    const listed = await queries.listApiKeys(project.id);
    expect(listed).toEqual([expect.objectContaining({ id: created.id, prefix: displayPrefix(created.key) })]);
    expect(JSON.stringify(listed)).not.toContain(row!.keyHash);
  });

  it('refuses a revoked key with 401 at once, even after it was accepted and cached', async () => {
    const project = await createProject({ name: 'Revoke', slug: slug() });
    const other = await createProject({ name: 'Other', slug: slug() });
    const { id, key } = await createApiKey(project.id, { name: 'soon revoked', scopes: ['ingest', 'read'] });
    await authenticateApiKey(request(key), 'read');
    await expect(revokeApiKey(other.id, id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(authenticateApiKey(request(key), 'read')).resolves.toMatchObject({ keyId: id });
    await revokeApiKey(project.id, id);
    await expect(authenticateApiKey(request(key), 'read')).rejects.toMatchObject({ status: 401 });
    await expect(revokeApiKey(project.id, id)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('already be revoked'),
    });
    const [listed] = await queries.listApiKeys(project.id);
    expect(listed?.revokedAt).toBeInstanceOf(Date);
  });

  it('prices the next ingested ai.call with an override as soon as it is saved, changed or deleted', async () => {
    const project = await createProject({ name: 'Prices', slug: slug() });
    expect(await costOfOneCall(project.id)).toBe(18);
    const first = await upsertModelPrice(project.id, { model: 'claude-sonnet-4', ...price(10, 20) });
    expect(first.previous).toBeNull();
    expect(await costOfOneCall(project.id)).toBe(30);
    const second = await upsertModelPrice(project.id, { model: 'claude-sonnet-4', ...price(1, 2) });
    expect(second.previous).toMatchObject({ inputPerMTok: 10, outputPerMTok: 20 });
    expect(await costOfOneCall(project.id)).toBe(3);
    expect(await queries.listModelPrices(project.id)).toHaveLength(1);
    await deleteModelPrice(project.id, 'claude-sonnet-4');
    expect(await costOfOneCall(project.id)).toBe(18);
    await expect(deleteModelPrice(project.id, 'claude-sonnet-4')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a taken project slug with a message that says so', async () => {
    const taken = slug();
    await createProject({ name: 'First', slug: taken });
    await expect(createProject({ name: 'Second', slug: taken })).rejects.toMatchObject({
      code: 'bad_request',
      message: `The slug "${taken}" is not available (slugs are unique across the installation); choose another slug.`,
    });
    const db = await getDb();
    expect(await db.select().from(schema.projects).where(eq(schema.projects.slug, taken))).toEqual([
      expect.objectContaining({ name: 'First' }),
    ]);
  });
});

describe('settings server actions', () => {
  it('audit every admin change with the actor and no key material, and revalidate the page', async () => {
    const projectSlug = slug();
    const created = await actions.createProjectAction(null, form({ name: 'Audited app', slug: projectSlug }));
    expect(created).toEqual({ ok: 'Created project "Audited app".', slug: projectSlug });
    const db = await getDb();
    const [project] = await db.select().from(schema.projects).where(eq(schema.projects.slug, projectSlug));
    const projectId = project!.id;

    const keyState = await actions.createApiKeyAction(
      null,
      form({ projectId, name: 'ci', scopes: ['read', 'ingest'] }),
    );
    if (!keyState || !('key' in keyState)) throw new Error(`no key: ${JSON.stringify(keyState)}`);
    const { keyId } = await authenticateApiKey(request(keyState.key), 'ingest');
    expect(await actions.revokeApiKeyAction(null, form({ projectId, keyId }))).toEqual({
      ok: 'Revoked key "ci".',
    });
    const priceForm = { projectId, model: 'anthropic/claude-haiku-4', inputPerMTok: '2', outputPerMTok: '4' };
    expect(await actions.upsertModelPriceAction(null, form(priceForm))).toEqual({
      ok: 'Added the price of "claude-haiku-4".',
    });
    expect(await actions.upsertModelPriceAction(null, form({ ...priceForm, inputPerMTok: '3' }))).toEqual({
      ok: 'Updated the price of "claude-haiku-4".',
    });
    expect(
      await actions.deleteModelPriceAction(null, form({ projectId, model: 'claude-haiku-4' })),
    ).toMatchObject({ ok: expect.any(String) });

    const audit = await auditOf(projectId);
    expect(audit.map((a) => [a.actor, a.action, a.target])).toEqual([
      ['admin@example.com', 'project.create', projectSlug],
      ['admin@example.com', 'api_key.create', 'ci'],
      ['admin@example.com', 'api_key.revoke', 'ci'],
      ['admin@example.com', 'model_price.upsert', 'claude-haiku-4'],
      ['admin@example.com', 'model_price.upsert', 'claude-haiku-4'],
      ['admin@example.com', 'model_price.delete', 'claude-haiku-4'],
    ]);
    expect(audit[1]!.details).toEqual({ keyId, scopes: ['ingest', 'read'], kind: 'server' });
    expect(audit[4]!.details).toEqual({
      input: 3,
      output: 4,
      cacheRead: 0.3,
      cacheWrite: 3.75,
      previous: { input: 2, output: 4, cacheRead: 0.2, cacheWrite: 2.5 },
    });
    const serialized = JSON.stringify(audit);
    expect(serialized).not.toContain(keyState.key);
    expect(serialized).not.toContain(hashApiKey(keyState.key));
    expect((await listAuditEntries(projectId, NO_FILTER)).map((a) => a.action)).toEqual(
      [...audit].reverse().map((a) => a.action),
    );
    expect(cache.revalidatePath).toHaveBeenCalledTimes(6);
    expect(cache.revalidatePath).toHaveBeenCalledWith('/settings');
  });

  it('set and clear a daily budget, audited only when it changes, with errors that say what to fix', async () => {
    const project = await createProject({ name: 'Budgeted', slug: slug() });
    expect(
      await actions.setDailyBudgetAction(null, form({ projectId: project.id, dailyBudgetUsd: '25.005' })),
    ).toEqual({
      ok: 'The daily budget of "Budgeted" is now $25.01.',
    });
    expect(await queries.getDailyBudget(project.id)).toBe(25.01);
    await actions.setDailyBudgetAction(null, form({ projectId: project.id, dailyBudgetUsd: '25.01' }));
    expect(
      await actions.setDailyBudgetAction(null, form({ projectId: project.id, dailyBudgetUsd: '-3' })),
    ).toMatchObject({
      error: 'Daily budget must be more than $0; leave it blank for none.',
    });
    expect(
      await actions.setDailyBudgetAction(null, form({ projectId: project.id, dailyBudgetUsd: 'lots' })),
    ).toMatchObject({
      error: 'Daily budget: enter an amount in USD, or leave it blank for none.',
    });
    expect(await queries.getDailyBudget(project.id)).toBe(25.01);
    expect(
      await actions.setDailyBudgetAction(null, form({ projectId: project.id, dailyBudgetUsd: '' })),
    ).toEqual({
      ok: '"Budgeted" has no daily budget now.',
    });
    expect(await queries.getDailyBudget(project.id)).toBeNull();
    const audit = await auditOf(project.id);
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ['daily_budget.set', { before: null, after: 25.01 }],
      ['daily_budget.set', { before: 25.01, after: null }],
    ]);
    session.claims = { email: 'viewer@example.com' };
    expect(
      await actions.setDailyBudgetAction(null, form({ projectId: project.id, dailyBudgetUsd: '5' })),
    ).toMatchObject({
      error: expect.stringMatching(/^Only admins of this project can set daily budgets/),
    });
    expect(await queries.getDailyBudget(project.id)).toBeNull();
  });

  it('tell a non-admin what only admins can do, and change nothing', async () => {
    const project = await createProject({ name: 'Guarded', slug: slug() });
    session.claims = { email: 'viewer@example.com' };
    const state = await actions.createApiKeyAction(
      null,
      form({ projectId: project.id, name: 'sneaky', scopes: 'ingest' }),
    );
    expect(state).toMatchObject({
      error: expect.stringMatching(/^Only admins of this project can create API keys/),
    });
    expect(await actions.createProjectAction(null, form({ name: 'Nope' }))).toMatchObject({
      error: expect.stringMatching(/^Only admins can create projects/),
    });
    expect(await queries.listApiKeys(project.id)).toEqual([]);
    expect(await auditOf(project.id)).toEqual([]);
    expect(cache.revalidatePath).not.toHaveBeenCalled();
    // Refused API keys that name no project may come from any tenant: only installation admins list them.
    const page = await auditPage({ scope: 'installation', action: 'api_key.rejected' });
    expect(page).toContain('Only admins of the installation see the audit log.');
    expect(page).not.toContain('<table');
  });

  it('answer bad input and domain errors as messages to fix', async () => {
    const project = await createProject({ name: 'Forms', slug: slug() });
    const noScope = await actions.createApiKeyAction(null, form({ projectId: project.id, name: 'k' }));
    expect(noScope).toEqual({
      error: 'Pick at least one scope: ingest, read or both.',
      values: { projectId: project.id, name: 'k' },
    });
    const negative = await actions.upsertModelPriceAction(
      null,
      form({ projectId: project.id, model: 'm', inputPerMTok: '-1', outputPerMTok: '1' }),
    );
    expect(negative).toMatchObject({ error: 'Input price cannot be negative.' });
    const taken = await actions.createProjectAction(
      null,
      form({
        name: 'Forms again',
        slug: project.slug,
      }),
    );
    expect(taken).toMatchObject({ error: expect.stringContaining('is not available') });
    const gone = await actions.createApiKeyAction(
      null,
      form({ projectId: randomUUID(), name: 'k', scopes: 'read' }),
    );
    expect(gone).toMatchObject({
      error: 'No such project, or it is not shared with you; pick another project.',
    });
    const db = await getDb();
    expect(await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.projectId, project.id))).toEqual(
      [],
    );
  });

  it('show admins the refused keys that name no project, newest first', async () => {
    const bogus = `cw_${randomUUID()}`;
    const path = `/api/v1/stats/overview-${randomUUID()}`;
    // Refused keys are counted in one row per reason, source IP and minute: a fresh IP gets a row of its own.
    const hextet = () => (0x1000 + Math.floor(Math.random() * 0xefff)).toString(16);
    const ip = `2001:db8::${hextet()}:${hextet()}`;
    const refused = new Request(`http://test${path}`, {
      headers: { Authorization: `Bearer ${bogus}`, 'x-forwarded-for': `${ip}, 10.0.0.1` },
    });
    await expect(authenticateApiKey(refused, 'read')).rejects.toMatchObject({ status: 401 });
    const rows = await vi.waitFor(async () => {
      const listed = await listAuditEntries(null, { ...NO_FILTER, action: 'api_key.rejected' });
      expect(listed.find((r) => r.target === path)).toMatchObject({
        action: 'api_key.rejected',
        actor: 'anonymous',
        ip,
        details: { reason: 'unknown_or_revoked' },
      });
      return listed;
    });
    expect(JSON.stringify(rows)).not.toContain(bogus);
    expect(rows.every((r) => r.action === 'api_key.rejected')).toBe(true);
    expect(rows.map((r) => r.at.getTime())).toEqual(rows.map((r) => r.at.getTime()).sort((a, b) => b - a));
    const page = await auditPage({ scope: 'installation', action: 'api_key.rejected' });
    expect(page).toContain(path);
    expect(page).not.toContain(bogus);
  });
});
