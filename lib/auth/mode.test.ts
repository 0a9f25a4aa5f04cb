import { describe, expect, it } from 'vitest';
import { resolveAuthConfig } from './mode';

const keys = { NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: 'pk_live_x', CLERK_SECRET_KEY: 'sk_live_x' };

describe('resolveAuthConfig', () => {
  it.each([
    ['Clerk keys in production', { NODE_ENV: 'production', ...keys }, 'clerk'],
    ['Clerk keys in development', { NODE_ENV: 'development', ...keys }, 'clerk'],
    ['no keys under next dev', { NODE_ENV: 'development' }, 'local'],
    ['AUTH_MODE=none in production', { NODE_ENV: 'production', AUTH_MODE: 'none' }, 'none'],
    ['AUTH_MODE=none even with keys', { NODE_ENV: 'production', AUTH_MODE: 'none', ...keys }, 'none'],
    ['no keys in production', { NODE_ENV: 'production' }, 'unconfigured'],
    ['no keys under test', { NODE_ENV: 'test' }, 'unconfigured'],
    [
      'AUTH_MODE=clerk without keys in development',
      { NODE_ENV: 'development', AUTH_MODE: 'clerk' },
      'unconfigured',
    ],
  ] as const)('%s -> %s', (_, env, mode) => {
    expect(resolveAuthConfig(env).mode).toBe(mode);
  });

  it('names the missing key when only one Clerk key is set, even under next dev', () => {
    expect(resolveAuthConfig({ NODE_ENV: 'development', CLERK_SECRET_KEY: 'sk_live_x' })).toEqual({
      mode: 'unconfigured',
      problem: expect.stringContaining('NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY is not set'),
    });
    expect(
      resolveAuthConfig({ NODE_ENV: 'production', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: 'pk_live_x' }),
    ).toEqual({
      mode: 'unconfigured',
      problem: expect.stringContaining('CLERK_SECRET_KEY is not set'),
    });
  });

  it('tells a production operator both ways out', () => {
    const config = resolveAuthConfig({ NODE_ENV: 'production' });
    expect(config).toEqual({
      mode: 'unconfigured',
      problem: expect.stringMatching(/set the Clerk keys.*AUTH_MODE=none/),
    });
  });
});
