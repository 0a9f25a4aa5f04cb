import { randomInt, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';

process.env.INIT_PROJECT = `it-part-${randomUUID().slice(0, 8)}`;

// Imported after the env above is set: lib/env parses process.env once, at import.
const { getDb, rawRows } = await import('@/db/client');
type Db = Awaited<ReturnType<typeof getDb>>;
const schema = await import('@/db/schema');
const { ingestBatch } = await import('@/lib/ingest/ingest');
const { storeRows } = await import('@/lib/ingest/store');
const { ensurePartitions, listEventPartitions } = await import('@/lib/storage/partitions');
const { partitionName, planPartitions, DAY_MS } = await import('@/lib/storage/partition-plan');
const { runRetention } = await import('@/lib/retention/run');
const { getInstallationStorage, getProjectStorage } = await import('@/lib/retention/queries');
const { SectionStorage } = await import('@/app/(dashboard)/settings/_components/section-storage');
const { renderToStaticMarkup } = await import('react-dom/server');

const backend = process.env.DATABASE_URL ? 'Postgres' : 'PGlite';
const MIGRATIONS = path.join(process.cwd(), 'db/migrations');
const PARTITIONING = '0009_partitioned_events';

async function newProject(db: Db) {
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `p-${randomUUID().slice(0, 12)}`, name: 'partitions test' })
    .returning();
  return project!;
}

const row = (projectId: string, eventId: string, ts: Date) => ({
  projectId,
  eventId,
  ts,
  type: 'page.view',
  path: '/',
  service: 'app',
  userId: 'u1',
});

/** A random UTC day in a year no other test writes to, as a Date at 12:00. */
const dayIn = (fromYear: number, years: number) =>
  new Date(Date.UTC(fromYear + randomInt(years), randomInt(12), 1 + randomInt(28), 12));

async function dropPartitions(db: Db, names: string[]) {
  for (const name of names) await db.execute(sql.raw(`drop table if exists "${name}"`));
}

async function countEvents(db: Db, projectId: string) {
  const [r] = await rawRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from events where project_id = ${projectId}`,
  );
  return r!.n;
}

describe(`events partitions and retention against ${backend}`, () => {
  it('a fresh database has events partitioned by UTC day, with its keys, indexes and activity trigger', async () => {
    const db = await getDb();
    const [kind] = await rawRows<{ relkind: string }>(
      db,
      sql`select relkind from pg_class where oid = 'events'::regclass`,
    );
    expect(kind!.relkind).toBe('p');
    const names = (await listEventPartitions(db)).map((p) => p.name);
    const now = new Date();
    for (const day of [-29, 0, 1, 2])
      expect(names).toContain(partitionName(new Date(now.getTime() + day * DAY_MS)));

    const indexes = await rawRows<{ name: string; def: string }>(
      db,
      sql`select c.relname as name, pg_get_indexdef(c.oid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
          where i.indrelid = 'events'::regclass order by 1`,
    );
    expect(indexes.map((i) => i.name)).toEqual([
      'events_ai_conversation_idx',
      'events_project_id_event_id_ts_pk',
      'events_project_ts_idx',
      'events_project_type_ts_idx',
      'events_received_at_brin',
      'events_session_ts_idx',
    ]);
    expect(indexes.find((i) => i.name === 'events_project_id_event_id_ts_pk')!.def).toContain(
      '(project_id, event_id, ts)',
    );
    expect(indexes.find((i) => i.name === 'events_project_type_ts_idx')!.def).toContain('INCLUDE (service');
    expect(indexes.find((i) => i.name === 'events_session_ts_idx')!.def).toMatch(
      /\(project_id, session_id, ts\) WHERE \(session_id IS NOT NULL\)/,
    );
    expect(indexes.find((i) => i.name === 'events_received_at_brin')!.def).toMatch(
      /brin \(received_at\).*pages_per_range='?32/,
    );
    const triggers = await rawRows<{ name: string }>(
      db,
      sql`select tgname as name from pg_trigger where tgrelid = 'events'::regclass and not tgisinternal`,
    );
    expect(triggers.map((t) => t.name)).toEqual(['events_activity_rollup']);
  });

  it('stores an event retried with the same id and timestamp once, and the activity rollup counts it once', async () => {
    const db = await getDb();
    const project = await newProject(db);
    const timestamp = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const body = {
      events: [{ type: 'message.received', id: 'retried', timestamp, messageLength: 5, userId: 'u1' }],
    };
    expect((await ingestBatch(project.id, body)).body).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    expect((await ingestBatch(project.id, body)).body).toEqual({ accepted: 0, duplicates: 1, rejected: 0 });
    expect(await countEvents(db, project.id)).toBe(1);
    const activity = await db
      .select()
      .from(schema.eventActivityHourly)
      .where(eq(schema.eventActivityHourly.projectId, project.id));
    expect(activity.map((a) => [a.userId, a.events, a.messages])).toEqual([['u1', 1, 1]]);

    // The key holds the timestamp: the same id sent with another timestamp is another row (README).
    const moved = {
      events: [{ ...body.events[0]!, timestamp: new Date(Date.now() - 3_600_000).toISOString() }],
    };
    expect((await ingestBatch(project.id, moved)).body).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    expect(await countEvents(db, project.id)).toBe(2);

    // Sent with an id and no timestamp (the server stamps it): copies at once and a later retry are duplicates.
    const unstamped = { events: [{ type: 'page.view', id: 'no-timestamp', path: '/' }] };
    const copies = await Promise.all([1, 2, 3].map(() => ingestBatch(project.id, unstamped)));
    expect(copies.map((c) => c.body.accepted).sort()).toEqual([0, 0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await ingestBatch(project.id, unstamped)).body).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: 0,
    });
    expect(await countEvents(db, project.id)).toBe(3);
  });

  it('creates the partition of a day that has none when an insert needs it, and stores the batch', async () => {
    const db = await getDb();
    const project = await newProject(db);
    const day = dayIn(2040, 50);
    const name = partitionName(day);
    await dropPartitions(db, [name]);
    try {
      const result = await storeRows([row(project.id, 'late-1', day), row(project.id, 'late-2', day)]);
      expect(result.stored).toHaveLength(2);
      expect(result.refused).toEqual([]);
      expect((await listEventPartitions(db)).map((p) => p.name)).toContain(name);
      const [stored] = await rawRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from "${name}"`));
      expect(stored!.n).toBe(2);
      const activity = await db
        .select()
        .from(schema.eventActivityHourly)
        .where(
          and(eq(schema.eventActivityHourly.projectId, project.id), eq(schema.eventActivityHourly.hour, day)),
        );
      expect(activity.map((a) => a.events)).toEqual([2]);
    } finally {
      await dropPartitions(db, [name]);
    }
  });

  it('lets several callers ensure the same new partitions at once', async () => {
    const db = await getDb();
    const from = dayIn(2100, 50);
    const range = { from, to: new Date(from.getTime() + 2 * DAY_MS) };
    const names = planPartitions(range).map((p) => p.name);
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => ensurePartitions(db, range)));
      expect(results.flatMap((r) => r.created).sort()).toEqual(names);
      const attached = (await listEventPartitions(db)).filter((p) => names.includes(p.name));
      expect(attached.map((p) => [p.name, p.bounds?.from.getTime()])).toEqual(
        planPartitions(range).map((p) => [p.name, p.from.getTime()]),
      );
      expect((await ensurePartitions(db, range)).created).toEqual([]);
    } finally {
      await dropPartitions(db, names);
    }
  });

  it('retention drops old partitions, keeps recent ones, and deletes old rows in bounded batches, once', async () => {
    const db = await getDb();
    const project = await newProject(db);
    const old = dayIn(2001, 15);
    const now = new Date();
    await storeRows([row(project.id, 'old', old), row(project.id, 'recent', now)]);
    const at = (t: Date) => ({
      projectId: project.id,
      ruleId: randomUUID(),
      fromState: 'ok',
      toState: 'firing',
      at: t,
    });
    await db.insert(schema.alertTransitions).values([at(old), at(old), at(old), at(now)] as never);
    await db.insert(schema.notificationDeliveries).values(
      [old, old, now].map((createdAt, i) => ({
        projectId: project.id,
        channel: `c${i}`,
        seq: i,
        createdAt,
      })),
    );
    await db.insert(schema.auditLog).values(
      [old, old, now].map((t) => ({
        projectId: project.id,
        at: t,
        actor: 'retention-test',
        action: 'test',
      })),
    );
    // User numbers go (holding the rollup job's lock) once the user was last seen before the cutoff.
    await db.insert(schema.userIndex).values(
      [old, old, old, now].map((lastSeen, idx) => ({
        projectId: project.id,
        userId: `u${idx}`,
        idx,
        lastSeen,
      })),
    );
    const marker = `retention-${randomUUID().slice(0, 8)}`;
    await db
      .insert(schema.healthChecks)
      .values(
        [old, old, old, old, old, now].map(
          (checkedAt) => ({ checkedAt, dependency: 'database', state: 'ok', reason: marker }) as const,
        ),
      );

    const first = await runRetention(db, { budgetMs: 0, batchRows: 2, maxPartitions: 1 });
    expect(first.done).toBe(false);
    expect(first.partitions.dropped).toHaveLength(1);
    expect(first.targets.every((t) => t.deleted === 0)).toBe(true);

    let passes = 1;
    for (let report = first; !report.done; passes++) {
      report = await runRetention(db, { budgetMs: 60_000, batchRows: 2, maxPartitions: 1 });
    }
    expect(passes).toBeGreaterThan(1);
    const names = (await listEventPartitions(db)).map((p) => p.name);
    expect(names).not.toContain(partitionName(old));
    expect(names).toContain(partitionName(now));
    const events = await rawRows<{ event_id: string }>(
      db,
      sql`select event_id from events where project_id = ${project.id}`,
    );
    expect(events.map((e) => e.event_id)).toEqual(['recent']);

    const left = async (table: string, column: string) =>
      (
        await rawRows<{ t: string }>(
          db,
          sql`select ${sql.identifier(column)}::text as t from ${sql.identifier(table)} where project_id = ${project.id}`,
        )
      ).length;
    expect(await left('alert_transitions', 'at')).toBe(1);
    expect(await left('notification_deliveries', 'created_at')).toBe(1);
    expect(await left('audit_log', 'at')).toBe(1);
    expect(await left('user_index', 'last_seen')).toBe(1);
    expect(await left('event_activity_hourly', 'hour')).toBe(1);
    const health = await db.select().from(schema.healthChecks).where(eq(schema.healthChecks.reason, marker));
    expect(health.map((h) => h.checkedAt.getTime())).toEqual([now.getTime()]);

    const again = await runRetention(db);
    expect(again.done).toBe(true);
    expect(again.partitions.dropped).toEqual([]);
    expect(again.targets.map((t) => t.deleted)).toEqual(again.targets.map(() => 0));
  });
});

describe(`storage figures in Settings against ${backend}`, () => {
  it('show the oldest event kept and the disk used, per project and for the installation, or say there is none', async () => {
    const db = await getDb();
    const empty = await newProject(db);
    expect(await getProjectStorage(empty.id)).toEqual({ oldestEvent: null, rawBytes: 0, rollupBytes: 0 });
    const emptyHtml = renderToStaticMarkup(await SectionStorage({ project: empty, showInstallation: false }));
    expect(emptyHtml).toContain('No events stored yet.');
    expect(emptyHtml).toContain('30 days');
    expect(emptyHtml).not.toContain('storage-installation');

    const project = await newProject(db);
    const oldest = new Date(Date.now() - 5 * DAY_MS);
    await storeRows([row(project.id, 'a', oldest), row(project.id, 'b', new Date())]);
    const mine = await getProjectStorage(project.id);
    expect(mine.oldestEvent?.getTime()).toBe(oldest.getTime());
    expect(mine.rawBytes).toBeGreaterThan(0);
    expect(mine.rollupBytes).toBeGreaterThan(0);
    const all = await getInstallationStorage();
    expect(all.oldestEvent!.getTime()).toBeLessThanOrEqual(oldest.getTime());
    expect(all.rawBytes).toBeGreaterThanOrEqual(mine.rawBytes);
    expect(all.partitions).toBeGreaterThan(30);
    const html = renderToStaticMarkup(await SectionStorage({ project, showInstallation: true }));
    expect(html).toContain('Oldest event kept');
    expect(html).toContain('storage-installation');
    expect(html).toMatch(/Raw events on disk<\/dt><dd[^>]*>≈ \d/);
  });
});

/** A copy of the migrations folder that stops before the partitioning migration. */
function migrationsBeforePartitioning(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cw-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === PARTITIONING);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** Migrates to the state before partitioning, stores rows in the old table, migrates on, checks the rows. */
async function convertsExistingRows(db: Db, migrate: (folder: string) => Promise<void>) {
  const before = migrationsBeforePartitioning();
  try {
    await migrate(before);
    const project = await newProject(db);
    const days = ['2026-01-30T23:59:59.999Z', '2026-01-31T00:00:00.000Z', '2026-02-01T12:00:00.000Z'];
    // Raw SQL: the table of that time has none of the columns added since (drizzle's insert names them all).
    for (const [i, ts] of days.entries()) {
      await db.execute(
        sql`insert into events (project_id, event_id, ts, type, path, service, user_id)
            values (${project.id}, ${`e${i}`}, ${ts}, 'page.view', '/', 'app', 'u1')`,
      );
    }
    const activityBefore = await rawRows<{ n: number }>(
      db,
      sql`select sum(events)::int as n from event_activity_hourly`,
    );
    expect(activityBefore[0]!.n).toBe(3);

    await migrate(MIGRATIONS);
    const partitions = await listEventPartitions(db);
    expect(partitions.map((p) => p.name)).toEqual([
      'events_p20260130',
      'events_p20260131',
      'events_p20260201',
    ]);
    const rows = await rawRows<{ event_id: string; ts: string; part: string }>(
      db,
      sql`select event_id, tableoid::regclass::text as part from events order by ts`,
    );
    expect(rows.map((r) => [r.event_id, r.part])).toEqual([
      ['e0', 'events_p20260130'],
      ['e1', 'events_p20260131'],
      ['e2', 'events_p20260201'],
    ]);
    expect(await rawRows(db, sql`select to_regclass('events_unpartitioned') as t`)).toEqual([{ t: null }]);
    // Not counted twice by the copy; counted once more by a new insert through the recreated trigger.
    await db.insert(schema.events).values([row(project.id, 'e3', new Date('2026-02-01T13:00:00Z'))] as never);
    const activityAfter = await rawRows<{ n: number }>(
      db,
      sql`select sum(events)::int as n from event_activity_hourly`,
    );
    expect(activityAfter[0]!.n).toBe(4);
  } finally {
    rmSync(before, { recursive: true, force: true });
  }
}

describe('migration 0009_partitioned_events', () => {
  it('converts the rows of an unpartitioned events table on PGlite', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = new PGlite();
    const db = drizzle(client, { schema, casing: 'snake_case' });
    try {
      await convertsExistingRows(db as unknown as Db, (folder) => migrate(db, { migrationsFolder: folder }));
    } finally {
      await client.close();
    }
  });

  it.runIf(process.env.DATABASE_URL)(
    'converts the rows of an unpartitioned events table on Postgres',
    async () => {
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      const name = `chatwatch_part_${randomUUID().slice(0, 8)}`;
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        const db = drizzlePg(client, { schema, casing: 'snake_case' });
        await convertsExistingRows(db as unknown as Db, (folder) =>
          migrate(db, { migrationsFolder: folder }),
        );
      } finally {
        await client.end();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );
});
