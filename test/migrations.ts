import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import journal from '@/db/migrations/meta/_journal.json';

/** Helpers of the migration tests: fresh databases, and the migrations folder as it was before one of them. */

export const MIGRATIONS = path.join(process.cwd(), 'db/migrations');

/** Runs `fn` with the URL of a new, empty Postgres database made with `adminUrl`, dropped afterwards. */
export async function withFreshDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `chatwatch_mig_${randomUUID().slice(0, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** A copy of the migrations folder whose journal ends before `tag`; `cleanup` removes it. */
export function migrationsBefore(tag: string): { dir: string; cleanup: () => void } {
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  if (upTo < 1) throw new Error(`no migration ${tag} after the first`);
  const dir = mkdtempSync(path.join(tmpdir(), 'cw-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'meta/_journal.json'),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }),
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Rows with their arrays' elements as numbers: the drivers return bigint[] elements as strings. */
export function numeric(rows: readonly unknown[]): Record<string, unknown>[] {
  return (rows as Record<string, unknown>[]).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.map(Number) : v])),
  );
}
