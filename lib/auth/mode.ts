import type { Env } from '@/lib/env';

export const AUTH_MODES = ['clerk', 'local', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export type AuthConfig = { mode: AuthMode } | { mode: 'unconfigured'; problem: string };

type AuthEnv = Pick<Env, 'NODE_ENV' | 'AUTH_MODE' | 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY' | 'CLERK_SECRET_KEY'>;

export const NOT_CONFIGURED_MESSAGE =
  'Authentication is not configured: set the Clerk keys (NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY), or AUTH_MODE=none to serve the dashboards without login on purpose.';

/**
 * Which login the dashboards use. An explicit AUTH_MODE wins; otherwise Clerk when both keys are set,
 * a local admin under `next dev`, and a refusal anywhere else (a production server never opens by accident).
 */
export function resolveAuthConfig(env: AuthEnv): AuthConfig {
  const publishable = Boolean(env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY);
  const secret = Boolean(env.CLERK_SECRET_KEY);
  if (env.AUTH_MODE === 'none') return { mode: 'none' };
  if (publishable && secret) return { mode: 'clerk' };
  if (publishable !== secret) {
    const missing = publishable ? 'CLERK_SECRET_KEY' : 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY';
    return {
      mode: 'unconfigured',
      problem: `Authentication is half configured: ${missing} is not set. Set both Clerk keys.`,
    };
  }
  if (env.AUTH_MODE === 'clerk') {
    return {
      mode: 'unconfigured',
      problem: `AUTH_MODE=clerk needs the Clerk keys. ${NOT_CONFIGURED_MESSAGE}`,
    };
  }
  if (env.NODE_ENV === 'development') return { mode: 'local' };
  return { mode: 'unconfigured', problem: NOT_CONFIGURED_MESSAGE };
}
