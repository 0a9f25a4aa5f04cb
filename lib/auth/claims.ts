/** What the dashboards need to know about a signed-in user, from session claims or Clerk's user record. */
export type Identity = { email: string | null; name: string | null; role: string | null };

/** Public-metadata containers a session token template may use: `{"metadata": "{{user.public_metadata}}"}`. */
const METADATA_CLAIMS = ['metadata', 'public_metadata', 'publicMetadata'] as const;

/**
 * Reads the custom claims of a Clerk session token: `email` (or `primary_email_address`), `name`
 * (or `full_name`) and `role` inside one of METADATA_CLAIMS. Clerk's default token carries none of them.
 */
export function identityFromClaims(claims: Record<string, unknown> | null | undefined): Identity {
  if (!claims) return { email: null, name: null, role: null };
  const email = text(claims.email) ?? text(claims.primary_email_address);
  const name = text(claims.name) ?? text(claims.full_name);
  let role: string | null = null;
  for (const key of METADATA_CLAIMS) {
    const value = claims[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      role = text((value as Record<string, unknown>).role);
      if (role) break;
    }
  }
  return { email: email?.includes('@') ? email : null, name, role };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
