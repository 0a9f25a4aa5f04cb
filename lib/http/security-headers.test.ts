import { describe, expect, it } from 'vitest';
import { applySecurityHeaders, securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('forbids framing, sniffing and full referrers by default, without HSTS', () => {
    expect(securityHeaders({ framable: false, hsts: false })).toEqual({
      'Content-Security-Policy': "frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    });
  });

  it('lets any site frame a framable status page, with no X-Frame-Options to contradict it', () => {
    const headers = securityHeaders({ framable: true, hsts: false });
    expect(headers['Content-Security-Policy']).toBe('frame-ancestors *');
    expect(headers).not.toHaveProperty('X-Frame-Options');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('adds Strict-Transport-Security only when asked', () => {
    expect(securityHeaders({ framable: false, hsts: true })['Strict-Transport-Security']).toMatch(
      /^max-age=\d{7,}$/,
    );
    expect(securityHeaders({ framable: false, hsts: false })).not.toHaveProperty('Strict-Transport-Security');
  });
});

describe('applySecurityHeaders', () => {
  it('replaces framing headers set earlier, keeping unrelated ones', () => {
    const target = new Headers({
      'X-Frame-Options': 'SAMEORIGIN',
      'Content-Security-Policy': 'x',
      'Cache-Control': 'no-store',
    });
    applySecurityHeaders(target, { framable: true, hsts: false });
    expect(target.get('x-frame-options')).toBeNull();
    expect(target.get('content-security-policy')).toBe('frame-ancestors *');
    expect(target.get('cache-control')).toBe('no-store');
  });
});
