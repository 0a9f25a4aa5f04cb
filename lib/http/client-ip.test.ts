import { describe, expect, it } from 'vitest';
import { clientIp, normalizeIp, proxyConfig } from './client-ip';

const headers = (values: Record<string, string>) => new Headers(values);
const none = proxyConfig(undefined, undefined);
const behindLb = proxyConfig('10.0.0.0/8, 192.168.1.5, fd00::/8', undefined);

describe('clientIp', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientIp(headers({ 'x-forwarded-for': '203.0.113.9' }), undefined, none)).toBeNull();
    expect(clientIp(headers({ 'x-forwarded-for': '203.0.113.9' }), '198.51.100.4', none)).toBe(
      '198.51.100.4',
    );
  });

  it('takes the rightmost entry that is not a trusted proxy, so a client cannot prepend its own', () => {
    const forged = headers({ 'x-forwarded-for': '1.1.1.1, 203.0.113.9, 10.1.2.3, 192.168.1.5' });
    expect(clientIp(forged, undefined, behindLb)).toBe('203.0.113.9');
    expect(clientIp(forged, '10.9.9.9', behindLb)).toBe('203.0.113.9');
  });

  it('believes the socket over any header when the peer is not a trusted proxy', () => {
    const forged = headers({ 'x-forwarded-for': '203.0.113.9' });
    expect(clientIp(forged, '198.51.100.4', behindLb)).toBe('198.51.100.4');
  });

  it('answers the leftmost hop when every hop is a trusted proxy, and null without any hop', () => {
    expect(clientIp(headers({ 'x-forwarded-for': '10.0.0.2, 10.0.0.1' }), undefined, behindLb)).toBe(
      '10.0.0.2',
    );
    expect(clientIp(headers({}), undefined, behindLb)).toBeNull();
    expect(clientIp(headers({}), '10.0.0.1', behindLb)).toBe('10.0.0.1');
  });

  it('stops at a malformed hop instead of trusting what lies left of it', () => {
    expect(
      clientIp(headers({ 'x-forwarded-for': '203.0.113.9, not-an-ip' }), undefined, behindLb),
    ).toBeNull();
  });

  it('matches IPv6 ranges and IPv4-mapped peers', () => {
    const h = headers({ 'x-forwarded-for': '2001:db8::7, fd00::1' });
    expect(clientIp(h, undefined, behindLb)).toBe('2001:db8::7');
    expect(clientIp(headers({ 'x-forwarded-for': '203.0.113.9' }), '::ffff:10.0.0.1', behindLb)).toBe(
      '203.0.113.9',
    );
  });

  it("reads Vercel's own header only on Vercel", () => {
    const h = headers({
      'x-vercel-forwarded-for': '203.0.113.9',
      'x-real-ip': '203.0.113.8',
      'x-forwarded-for': '1.1.1.1',
    });
    expect(clientIp(h, undefined, proxyConfig(undefined, '1'))).toBe('203.0.113.9');
    expect(clientIp(headers({ 'x-real-ip': '203.0.113.8' }), undefined, proxyConfig(undefined, '1'))).toBe(
      '203.0.113.8',
    );
    expect(clientIp(h, undefined, none)).toBeNull();
  });
});

describe('proxyConfig', () => {
  it('rejects entries that are not addresses or CIDRs, naming the variable', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.0/', '::/129', '10.0.0.0/8/1']) {
      expect(() => proxyConfig(bad, undefined)).toThrow(/TRUSTED_PROXIES: ".*" is not an IP address or CIDR/);
    }
    expect(proxyConfig(' 127.0.0.1 , ::1 ,', undefined).trustsAny).toBe(true);
  });
});

describe('normalizeIp', () => {
  it('strips ports, brackets and zones, and unmaps IPv4-mapped IPv6', () => {
    expect(normalizeIp('203.0.113.9:4711')).toBe('203.0.113.9');
    expect(normalizeIp('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('unknown')).toBeNull();
  });
});
