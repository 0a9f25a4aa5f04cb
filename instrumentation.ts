/**
 * Runs once per server start: migrations (under a lock) and the INIT_PROJECT / INIT_API_KEY bootstrap; in
 * `next dev`, the alerts cron every minute.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // TRACE reaches Next before any route or proxy code and would answer 500: refuse it at the HTTP server.
  const { refuseUnservableMethods } = await import('./lib/http/method-guard');
  refuseUnservableMethods();
  const { ensureBootstrap } = await import('./lib/projects/bootstrap');
  try {
    await ensureBootstrap();
  } catch (error) {
    // The server still starts: ingest answers 503 and /api/health says "down" until the database is back.
    const { log } = await import('./lib/log');
    log.error('startup_bootstrap_failed', { error: String(error) });
  }
  if (process.env.NODE_ENV === 'development' && !['0', 'false'].includes(process.env.DEV_CRON ?? '')) {
    const { startDevCron } = await import('./lib/alerts/run/dev-cron');
    startDevCron({ port: () => process.env.PORT, secret: process.env.CRON_SECRET });
  }
}
