import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { describeError } from '@/db/errors';
import { projects } from '@/db/schema';
import { log } from '@/lib/log';
import { SLUG_PATTERN } from '@/lib/settings/slug';

const TTL_MS = 15_000;
const MAX_ENTRIES = 1_000;
type Entry = { framable: Promise<boolean>; expires: number };
// The proxy asks on every status page request; anonymous reloads must not each cost a query.
const cache = ((globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>)[
  Symbol.for('chatwatch.statusFramingCache')
] ??= new Map<string, Entry>());

/**
 * Whether other sites may frame /status/<slug>: its page is on and an admin allowed framing. Cached for
 * 15 s per process; an unknown slug or a failed read answers false (framing refused).
 */
export function isStatusPageFramable(slug: string, now = Date.now()): Promise<boolean> {
  if (!SLUG_PATTERN.test(slug)) return Promise.resolve(false);
  const hit = cache.get(slug);
  if (hit && hit.expires > now) return hit.framable;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const entry: Entry = { framable: Promise.resolve(false), expires: now + TTL_MS };
  entry.framable = readFramable(slug).catch((error: unknown) => {
    // A failed read is not kept: the next request asks again.
    if (cache.get(slug) === entry) cache.delete(slug);
    log.throttled('warn', 'status_framing_read_failed', { error: describeError(error) });
    return false;
  });
  cache.set(slug, entry);
  return entry.framable;
}

async function readFramable(slug: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ framable: projects.statusPageFramable })
    .from(projects)
    .where(and(eq(projects.slug, slug), eq(projects.statusPageEnabled, true)));
  return row?.framable ?? false;
}

/** Forgets cached answers (tests, and the admin toggle so its own process sees the change at once). */
export function forgetStatusFraming(): void {
  cache.clear();
}
