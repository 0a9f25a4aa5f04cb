import { describe, expect, it } from 'vitest';
import { identityFromClaims } from './claims';

describe('identityFromClaims', () => {
  it('reads email, name and the public-metadata role', () => {
    expect(
      identityFromClaims({
        sub: 'user_1',
        email: 'ana@example.com',
        name: 'Ana',
        metadata: { role: 'admin' },
      }),
    ).toEqual({
      email: 'ana@example.com',
      name: 'Ana',
      role: 'admin',
    });
  });

  it('accepts the alternative claim names', () => {
    expect(
      identityFromClaims({
        primary_email_address: 'bo@example.com',
        full_name: 'Bo',
        public_metadata: { role: 'viewer' },
      }),
    ).toEqual({ email: 'bo@example.com', name: 'Bo', role: 'viewer' });
    expect(identityFromClaims({ publicMetadata: { role: 'admin' } }).role).toBe('admin');
  });

  it('answers nulls for Clerk default claims and ignores malformed values', () => {
    expect(identityFromClaims({ sub: 'user_1', sid: 'sess_1', iat: 1 })).toEqual({
      email: null,
      name: null,
      role: null,
    });
    expect(
      identityFromClaims({
        email: 'not-an-email',
        name: '  ',
        metadata: ['admin'],
        public_metadata: { role: 7 },
      }),
    ).toEqual({
      email: null,
      name: null,
      role: null,
    });
    expect(identityFromClaims(null)).toEqual({ email: null, name: null, role: null });
  });

  it('does not take a role from a top-level claim, which is not public metadata', () => {
    expect(identityFromClaims({ role: 'admin' }).role).toBeNull();
  });
});
