import { z } from 'zod';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());
const flag = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['0', '1', 'true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? fallback : v === '1' || v === 'true')),
  );
const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection string')
      .optional(),
  ),
  PGLITE_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data/pglite')),
  DATABASE_POOL_SIZE: positiveInt(10),
  KV_REST_API_URL: optionalUrl,
  KV_REST_API_TOKEN: optionalString,
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  INIT_API_KEY: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  INIT_PROJECT: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug (a-z, 0-9, -)')
      .default('default'),
  ),
  /** Whether INIT_PROJECT, when bootstrap creates it, has its public status page (/status/<slug>) on. */
  INIT_STATUS_PAGE: flag(false),
  DEMO: flag(true),
  /** Raw events: refused at ingest when older, and their daily partitions dropped by retention. */
  RETENTION_DAYS: positiveInt(30),
  /** Rollups (event_activity_hourly; hour, day and week rollups), so 90-day and 1-year ranges work. */
  ROLLUP_RETENTION_DAYS: positiveInt(400),
  /** health_checks (the health history and the status page's uptime bars). */
  HEALTH_RETENTION_DAYS: positiveInt(90),
  /** Alert transitions and notification deliveries (alert history). */
  ALERT_HISTORY_RETENTION_DAYS: positiveInt(180),
  /** audit_log. */
  AUDIT_RETENTION_DAYS: positiveInt(400),
  INGEST_RATE_LIMIT_PER_MINUTE: positiveInt(1200),
  /** Browser keys: requests per minute from one client address (each key also has the per-key limit above). */
  BROWSER_RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(60),
  HEALTH_TIMEOUT_MS: positiveInt(2000),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().default('https://api.anthropic.com')),
  CLERK_SECRET_KEY: optionalString,
  CLERK_API_URL: z.preprocess(emptyAsUndefined, z.url().default('https://api.clerk.com')),
  CLERK_JWT_KEY: optionalString,
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: optionalString,
  CRON_SECRET: optionalString,
  ALERT_WEBHOOK_URL: optionalUrl,
  SLACK_WEBHOOK_URL: optionalUrl,
  PAGERDUTY_ROUTING_KEY: optionalString,
  PAGERDUTY_EVENTS_URL: z.preprocess(emptyAsUndefined, z.url().default('https://events.pagerduty.com')),
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  /** Comma-separated recipients of alert emails. */
  ALERT_EMAIL_TO: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
  ),
  ALERT_EMAIL_FROM: optionalString,
  /** The daily digest (P4 alerts and the day's incidents) is sent from this UTC hour on, for the previous day. */
  ALERT_DIGEST_HOUR_UTC: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(23).default(8)),
  /** Base URL of the app for links in notifications. */
  PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url().default('http://localhost:3000')),
  AUTH_MODE: z.preprocess(emptyAsUndefined, z.enum(['clerk', 'none']).optional()),
  ADMIN_EMAILS: optionalString,
  /** Installation-wide viewers: comma-separated emails; an entry `@example.com` admits the whole domain. */
  VIEWER_EMAILS: optionalString,
  /** The Clerk organization (`org_...`) that owns INIT_PROJECT when bootstrap creates it. */
  INIT_ORG_ID: optionalString,
  /** Comma-separated IPs or CIDRs of proxies whose X-Forwarded-For is believed (Vercel's own header is, on Vercel). */
  TRUSTED_PROXIES: optionalString,
  /** Comma-separated hosts (or host:port) that notification channels may reach although they are private or loopback. */
  CHANNEL_ALLOWED_HOSTS: optionalString,
  /** Set by Vercel; then its x-vercel-forwarded-for / x-real-ip header names the client. */
  VERCEL: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  if (Boolean(env.KV_REST_API_URL) !== Boolean(env.KV_REST_API_TOKEN)) {
    throw new Error(
      'Invalid environment configuration:\n  KV_REST_API_TOKEN: KV_REST_API_URL and KV_REST_API_TOKEN must be set together',
    );
  }
  return env;
}

export const env: Env = parseEnv(process.env);
