export type SecurityHeaderOptions = {
  /** Other sites may frame the response: a public status page whose admin allowed it. */
  framable: boolean;
  /** Strict-Transport-Security: only a production server whose PUBLIC_URL is https sends it. */
  hsts: boolean;
};

export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** The headers every response carries; pure, so the proxy and the tests agree on one list. */
export function securityHeaders({ framable, hsts }: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': framable ? 'frame-ancestors *' : "frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  };
  // Browsers without frame-ancestors support fall back to X-Frame-Options, which cannot say "anyone".
  if (!framable) headers['X-Frame-Options'] = 'DENY';
  if (hsts) headers['Strict-Transport-Security'] = `max-age=${HSTS_MAX_AGE_SECONDS}`;
  return headers;
}

/** Sets the security headers on a response, replacing any framing header set before. */
export function applySecurityHeaders(target: Headers, options: SecurityHeaderOptions): void {
  if (options.framable) target.delete('X-Frame-Options');
  for (const [name, value] of Object.entries(securityHeaders(options))) target.set(name, value);
}
