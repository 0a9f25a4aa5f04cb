import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      PGLITE_DIR: '.data/pglite',
      INIT_PROJECT: 'default',
      DEMO: true,
      RETENTION_DAYS: 30,
      ROLLUP_RETENTION_DAYS: 400,
      HEALTH_RETENTION_DAYS: 90,
      ALERT_HISTORY_RETENTION_DAYS: 180,
      AUDIT_RETENTION_DAYS: 400,
      INGEST_RATE_LIMIT_PER_MINUTE: 1200,
      HEALTH_TIMEOUT_MS: 2000,
      ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
    });
  });

  it('treats empty strings as unset', () => {
    const env = parseEnv({ DATABASE_URL: '', REDIS_URL: '', DEMO: '' });
    expect([env.DATABASE_URL, env.REDIS_URL, env.DEMO]).toEqual([undefined, undefined, true]);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ INIT_API_KEY: 'too-short' }, 'INIT_API_KEY: must be at least 32 characters'],
    [{ INIT_PROJECT: 'Has Spaces' }, 'INIT_PROJECT'],
    [{ HEALTH_TIMEOUT_MS: '-5' }, 'HEALTH_TIMEOUT_MS'],
    [{ DEMO: 'maybe' }, 'DEMO'],
    [{ KV_REST_API_URL: 'https://kv.example.com' }, 'KV_REST_API_TOKEN'],
    [{ AUTH_MODE: 'open' }, 'AUTH_MODE'],
  ])('refuses %o with a message naming the variable', (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });

  it('parses DEMO=0 as off', () => {
    expect(parseEnv({ DEMO: '0' }).DEMO).toBe(false);
  });
});
