export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_API_KEY = 'cw_e2e_test_key_0123456789abcdefghijklmnopqrstuvwxyz';

/** The server under test: the machine's Postgres and Redis when set, PGlite in memory otherwise. */
export function e2eServerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    NEXT_TELEMETRY_DISABLED: '1',
    INIT_API_KEY: E2E_API_KEY,
    INIT_PROJECT: 'e2e',
    DEMO: '0',
    INGEST_RATE_LIMIT_PER_MINUTE: '100000',
    HEALTH_TIMEOUT_MS: '1000',
    PGLITE_DIR: 'memory://',
    // The test receivers (webhook, Slack, PagerDuty, SMTP) listen on loopback, which channels reach only when allowed.
    CHANNEL_ALLOWED_HOSTS: '127.0.0.1,localhost',
  };
  for (const name of ['PATH', 'HOME', 'DATABASE_URL', 'REDIS_URL', 'KV_REST_API_URL', 'KV_REST_API_TOKEN']) {
    const value = process.env[name];
    if (value) base[name] = value;
  }
  return { ...base, ...overrides };
}
