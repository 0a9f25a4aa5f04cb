/** Runs once per server start: migrations (under a lock) and the INIT_PROJECT / INIT_API_KEY bootstrap. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { ensureBootstrap } = await import('./lib/projects/bootstrap');
  try {
    await ensureBootstrap();
  } catch (error) {
    // The server still starts: ingest answers 503 and /api/health says "down" until the database is back.
    console.error(JSON.stringify({ level: 'error', event: 'startup_bootstrap_failed', error: String(error) }));
  }
}
