import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real webhook receiver on loopback: the installation's channel at /hook, project B's own at /own-b.
type Received = {
  path: string;
  body: { kind?: string; project?: { slug?: string }; rule?: { key?: string }; group?: string | null };
};
const received: Received[] = [];
const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as AddressInfo).port;
process.env.CHANNEL_ALLOWED_HOSTS = '127.0.0.1';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { seedDefaultRules } = await import('@/lib/alerts/rules/seed');
const { runAlerts } = await import('@/lib/alerts/run/run-alerts');
const { channelsFromEnv } = await import('@/lib/alerts/channels/configured');

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Health checks are installation-wide: a random minute six days back that no other test writes to.
const BASE = Math.floor(Date.now() / DAY) * DAY - 6 * DAY + Math.floor(Math.random() * 1000) * MIN;
const at = (ms: number) => new Date(BASE + ms);
const installation = channelsFromEnv({
  ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
  SLACK_WEBHOOK_URL: undefined,
  PAGERDUTY_ROUTING_KEY: undefined,
  PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com/v2/enqueue',
  SMTP_URL: undefined,
  ALERT_EMAIL_TO: [],
  ALERT_EMAIL_FROM: undefined,
});

type Project = typeof schema.projects.$inferSelect;
let a: Project;
let b: Project;
const healthIds: number[] = [];

async function createProject(name: string): Promise<Project> {
  const db = await getDb();
  const [p] = await db
    .insert(schema.projects)
    .values({ slug: `shared-${randomUUID().slice(0, 12)}`, name })
    .returning();
  await seedDefaultRules(p!.id);
  return p!;
}

async function checks(dependency: 'auth', state: 'ok' | 'fail', minutes: number[]) {
  const db = await getDb();
  const rows = await db
    .insert(schema.healthChecks)
    .values(minutes.map((m) => ({ dependency, state, checkedAt: at(m * MIN) })))
    .returning({ id: schema.healthChecks.id });
  healthIds.push(...rows.map((r) => r.id));
}

/** One run over `projects` at `now`, waiting out another file's run holding the lock; answers what arrived. */
async function step(now: Date, projects: Project[]): Promise<string[]> {
  const from = received.length;
  for (;;) {
    const summary = await runAlerts(now, { projectIds: projects.map((p) => p.id), channels: installation });
    if (!summary.skipped) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return received
    .slice(from)
    .filter((r) => r.body.rule?.key === 'dependency-down')
    .map((r) => `${r.path} ${r.body.project?.slug === a.slug ? 'A' : 'B'} ${r.body.group} ${r.body.kind}`)
    .sort();
}

async function owner(): Promise<string[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(schema.sharedAlerts)
    .where(and(eq(schema.sharedAlerts.ruleKey, 'dependency-down'), eq(schema.sharedAlerts.groupKey, 'auth')))
    .then((r) => r.filter((x) => x.projectId === a.id || x.projectId === b.id));
  return rows.map((r) => `${r.channel} ${r.projectId === a.id ? 'A' : 'B'}`);
}

beforeAll(async () => {
  a = await createProject('shared A');
  b = await createProject('shared B');
  const db = await getDb();
  await db.insert(schema.notificationChannels).values({
    projectId: b.id,
    name: 'team B hook',
    type: 'webhook',
    config: { type: 'webhook', url: `http://127.0.0.1:${port}/own-b` },
    severities: ['P1', 'P2', 'P3'],
  });
});

afterAll(async () => {
  const db = await getDb();
  if (healthIds.length > 0)
    await db.delete(schema.healthChecks).where(inArray(schema.healthChecks.id, healthIds));
  await db.delete(schema.sharedAlerts).where(inArray(schema.sharedAlerts.projectId, [a.id, b.id]));
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe(`a dependency the installation shares is one alert on its channels (${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'})`, () => {
  it('fires, repeats and resolves once on the installation channel, and on each project channel', async () => {
    await checks('auth', 'fail', [1, 2, 3]);
    const fired = await step(at(3 * MIN + 10_000), [a, b]);
    // Both projects' rules fire; the installation's webhook hears it once, team B's own webhook too.
    expect(fired).toHaveLength(2);
    expect(fired).toContain('/own-b B auth firing');
    const hook = fired.find((l) => l.startsWith('/hook'))!;
    expect(hook).toMatch(/^\/hook [AB] auth firing$/);
    const ownerName = hook.split(' ')[1];
    expect(await owner()).toEqual([`env:webhook ${ownerName}`]);

    const db = await getDb();
    const firing = await db
      .select()
      .from(schema.alertInstances)
      .where(
        and(
          inArray(schema.alertInstances.projectId, [a.id, b.id]),
          eq(schema.alertInstances.groupKey, 'auth'),
        ),
      );
    // Each project's Alerts page still shows its own alert.
    expect(firing.map((i) => i.state)).toEqual(['firing', 'firing']);

    // A run again at once sends nothing; after the repeat interval (4 h) the owner repeats, team B too.
    expect(await step(at(4 * MIN), [a, b])).toEqual([]);
    expect(await step(at(4 * HOUR + 5 * MIN), [a, b])).toEqual(
      [`/hook ${ownerName} auth repeat`, '/own-b B auth repeat'].sort(),
    );

    await checks('auth', 'ok', [4 * 60 + 6]);
    expect(await step(at(4 * HOUR + 7 * MIN), [a, b])).toEqual(
      [`/hook ${ownerName} auth resolved`, '/own-b B auth resolved'].sort(),
    );
    expect(await owner()).toEqual([]);
  });

  it('an owner no longer evaluated (another shard, a deleted project) is taken over', async () => {
    // A alone fires and owns the alert; ten minutes on, B fires in a run without A and takes it over.
    await checks('auth', 'fail', [5 * 60 + 1, 5 * 60 + 2, 5 * 60 + 3]);
    expect(await step(at(5 * HOUR + 4 * MIN), [a])).toEqual(['/hook A auth firing']);
    expect(await owner()).toEqual(['env:webhook A']);
    expect(await step(at(5 * HOUR + 14 * MIN), [b])).toEqual(['/hook B auth firing', '/own-b B auth firing']);
    expect(await owner()).toEqual(['env:webhook B']);

    // The dependency recovers: each project closes what it opened on the installation channel.
    await checks('auth', 'ok', [5 * 60 + 15]);
    expect(await step(at(5 * HOUR + 16 * MIN), [a, b])).toEqual([
      '/hook A auth resolved',
      '/hook B auth resolved',
      '/own-b B auth resolved',
    ]);
    expect(await owner()).toEqual([]);
  });
});
