import { BlockList, isIP } from 'node:net';

/** Which forwarding headers this deployment may believe. Build it once with `proxyConfig`. */
export type ProxyConfig = {
  /** Addresses and CIDRs of the operator's own proxies (TRUSTED_PROXIES); none: X-Forwarded-For is ignored. */
  trusted: BlockList;
  trustsAny: boolean;
  /** On Vercel its edge sets x-vercel-forwarded-for and x-real-ip itself; clients cannot forge them there. */
  vercel: boolean;
};

type HeaderSource = Pick<Headers, 'get'>;

/** Parses TRUSTED_PROXIES (comma-separated IPs or CIDRs); throws a message naming the variable on a bad entry. */
export function proxyConfig(trustedProxies: string | undefined, vercel: string | undefined): ProxyConfig {
  const trusted = new BlockList();
  const entries = (trustedProxies ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const range = parseRange(entry);
    if (!range) {
      throw new Error(
        `Invalid environment configuration:\n  TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8, 203.0.113.7, fd00::/8)`,
      );
    }
    if (range.bits === null) trusted.addAddress(range.ip, range.family);
    else trusted.addSubnet(range.ip, range.bits, range.family);
  }
  return { trusted, trustsAny: entries.length > 0, vercel: Boolean(vercel) };
}

/**
 * The client's address, or null when it cannot be known. X-Forwarded-For is walked from the right: the
 * peer (`remoteAddr`, or when unknown the proxy TRUSTED_PROXIES says the app sits behind) appended the
 * entry left of it, so entries are skipped while they are trusted proxies; the first other one is the client.
 */
export function clientIp(
  headers: HeaderSource,
  remoteAddr: string | null | undefined,
  config: ProxyConfig,
): string | null {
  if (config.vercel) {
    const vercel = headers.get('x-vercel-forwarded-for')?.split(',')[0] ?? headers.get('x-real-ip');
    const ip = vercel ? normalizeIp(vercel) : null;
    if (ip) return ip;
  }
  const peer = remoteAddr ? normalizeIp(remoteAddr) : null;
  if (peer && !isTrusted(peer, config)) return peer;
  if (!config.trustsAny) return peer;
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let leftmost: string | null = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = normalizeIp(hops[i]!);
    // A malformed hop was written by someone we do not trust: what lies left of it proves nothing.
    if (!ip) return null;
    if (!isTrusted(ip, config)) return ip;
    leftmost = ip;
  }
  return leftmost;
}

function parseRange(entry: string): { ip: string; family: 'ipv4' | 'ipv6'; bits: number | null } | null {
  const [address = '', prefix, ...rest] = entry.split('/');
  const ip = normalizeIp(address);
  if (!ip || rest.length > 0) return null;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (prefix === undefined) return { ip, family, bits: null };
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits <= (family === 'ipv6' ? 128 : 32) ? { ip, family, bits } : null;
}

function isTrusted(ip: string, config: ProxyConfig): boolean {
  return config.trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** A bare IP from an address as proxies write it (`[::1]:443`, `1.2.3.4:80`, `::ffff:1.2.3.4`), or null. */
export function normalizeIp(value: string): string | null {
  let s = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  const zone = s.indexOf('%');
  if (zone > 0 && isIP(s.slice(0, zone)) === 6) s = s.slice(0, zone);
  const family = isIP(s);
  if (family === 0) return null;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
    if (mapped) return mapped[1]!;
    return s.toLowerCase();
  }
  return s;
}
