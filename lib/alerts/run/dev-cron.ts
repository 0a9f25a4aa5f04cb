/**
 * In `next dev` there is no Vercel Cron: the app calls its own cron route every minute (DESIGN.md "Alerts").
 * Started once per process from instrumentation.ts; `DEV_CRON=0` turns it off. Through HTTP, so the route,
 * its secret check and its lock are what run, exactly as a scheduler would call them.
 */
import { log } from '@/lib/log';
const STARTED = Symbol.for('chatwatch.devCron.started');
const INTERVAL_MS = 60_000;
/** The first call waits for the server to listen and the bootstrap to finish. */
const FIRST_DELAY_MS = 15_000;

export function startDevCron(options: {
  port: () => string | undefined;
  secret: string | undefined;
}): boolean {
  const globals = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (globals[STARTED]) return false;
  globals[STARTED] = true;
  const headers: Record<string, string> = options.secret ? { Authorization: `Bearer ${options.secret}` } : {};
  const tick = async () => {
    // Next sets PORT once it listens: read it at each call.
    const url = `http://127.0.0.1:${options.port() || '3000'}/api/cron/alerts`;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(55_000) });
      const summary = (await res.json().catch(() => null)) as {
        transitions?: number;
        notificationsSent?: number;
      } | null;
      if (!res.ok) log.error('dev_cron_failed', { status: res.status });
      else if (summary && ((summary.transitions ?? 0) > 0 || (summary.notificationsSent ?? 0) > 0))
        log.info('dev_cron', summary);
    } catch (error) {
      log.error('dev_cron_failed', { error: String(error) });
    }
  };
  setTimeout(() => {
    void tick();
    setInterval(() => void tick(), INTERVAL_MS).unref();
  }, FIRST_DELAY_MS).unref();
  return true;
}
