/**
 * Which hosts a notification channel may reach: public addresses only, unless the operator allows a host
 * (`CHANNEL_ALLOWED_HOSTS`). Hosts are read as the WHATWG URL parser normalises them, so `127.1`,
 * `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` are all seen as the loopback address they are.
 */
import { BlockList, isIP } from 'node:net';

export const CHANNEL_ALLOWED_HOSTS_VAR = 'CHANNEL_ALLOWED_HOSTS';

/** A `CHANNEL_ALLOWED_HOSTS` entry: a host as `new URL` writes it (`[::1]` for IPv6), any port unless one is given. */
export type AllowedHost = { host: string; port?: string };

/** `unrestricted`: channels the operator configured in the environment (they chose the host themselves). */
export type ReachPolicy = { allowedHosts: readonly AllowedHost[] } | { unrestricted: true };

export const STRICT_REACH: ReachPolicy = { allowedHosts: [] };
export const UNRESTRICTED_REACH: ReachPolicy = { unrestricted: true };

export type AddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared (carrier-grade NAT)'
  | 'link-local'
  | 'unique local'
  | 'multicast'
  | 'reserved';

const RANGES: ReadonlyArray<[AddressKind, 'ipv4' | 'ipv6', string, number]> = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['shared (carrier-grade NAT)', 'ipv4', '100.64.0.0', 10],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  // IPv4-compatible (deprecated) addresses; IPv4-mapped ones (::ffff:0:0/96) match the IPv4 ranges above.
  ['reserved', 'ipv6', '::', 96],
  ['reserved', 'ipv6', '64:ff9b:1::', 48],
  ['reserved', 'ipv6', '100::', 64],
  ['unique local', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['reserved', 'ipv6', 'fec0::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
];

const LISTS: ReadonlyArray<[AddressKind, BlockList]> = (() => {
  const byKind = new Map<AddressKind, BlockList>();
  for (const [kind, family, network, prefix] of RANGES) {
    const list = byKind.get(kind) ?? new BlockList();
    list.addSubnet(network, prefix, family);
    byKind.set(kind, list);
  }
  // Most specific first: `::1` is loopback before it is an IPv4-compatible address.
  const order: AddressKind[] = [
    'loopback',
    'unspecified',
    'private',
    'shared (carrier-grade NAT)',
    'link-local',
    'unique local',
    'multicast',
    'reserved',
  ];
  return order.map((kind) => [kind, byKind.get(kind)!] as [AddressKind, BlockList]);
})();

/** What a non-public address is (`loopback`, `private`, ...), or null for a public unicast address. */
export function classifyAddress(address: string): AddressKind | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 0) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of LISTS) if (list.check(ip, type)) return kind;
  // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits, which a NAT64 gateway then reaches.
  if (family === 6) {
    const embedded = nat64Embedded(ip);
    if (embedded) return classifyAddress(embedded);
  }
  return null;
}

function nat64Embedded(ip: string): string | null {
  const hextets = expandIpv6(ip);
  if (!hextets || hextets[0] !== 0x64 || hextets[1] !== 0xff9b || hextets.slice(2, 6).some((h) => h !== 0))
    return null;
  const [hi = 0, lo = 0] = hextets.slice(6);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a trailing dotted quad), or null. */
export function expandIpv6(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let text = ip.toLowerCase();
  const quad = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parts = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = 8 - left.length - right.length;
  return [...left, ...Array<number>(Math.max(0, zeros)).fill(0), ...right];
}

/** `localhost` and every name under it resolve to loopback by definition (RFC 6761). */
function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

function normalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

const DEFAULT_PORTS: Record<string, string> = {
  'http:': '80',
  'https:': '443',
  'smtp:': '587',
  'smtps:': '465',
};

export function effectivePort(url: URL): string {
  return url.port || DEFAULT_PORTS[url.protocol] || '';
}

/** Reads `CHANNEL_ALLOWED_HOSTS`: comma-separated `host`, `host:port`, `[v6]:port` or full URLs; bad entries are skipped. */
export function parseAllowedHosts(raw: string | undefined): AllowedHost[] {
  const out: AllowedHost[] = [];
  for (const entry of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const withScheme = entry.includes('://') ? entry : `http://${isIP(entry) === 6 ? `[${entry}]` : entry}`;
    try {
      const url = new URL(withScheme);
      const authority = withScheme.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0] ?? '';
      const port = authority.match(/:(\d{1,5})$/)?.[1];
      out.push({ host: normalHost(url.hostname), ...(port ? { port: String(Number(port)) } : {}) });
    } catch {
      // not a host: ignored
    }
  }
  return out;
}

function matches(entry: AllowedHost, host: string, port: string): boolean {
  return entry.host === host && (entry.port === undefined || entry.port === port);
}

/** Whether the URL's host (as written) is allowed, so no address check applies to it. */
export function hostAllowed(url: URL, policy: ReachPolicy): boolean {
  if ('unrestricted' in policy) return true;
  const host = normalHost(url.hostname);
  return policy.allowedHosts.some((entry) => matches(entry, host, effectivePort(url)));
}

function addressAllowed(address: string, port: string, policy: ReachPolicy): boolean {
  if ('unrestricted' in policy) return true;
  const host = isIP(address) === 6 ? new URL(`http://[${address.replace(/%.*$/, '')}]`).hostname : address;
  return policy.allowedHosts.some((entry) => matches(entry, host, port));
}

/** Why a channel may not reach a host, for messages at save time and at send time. */
export type Refusal =
  | { reason: 'scheme'; protocol: string }
  | { reason: 'address'; host: string; address: string; kind: AddressKind; allowAs: string };

function allowAs(url: URL): string {
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

/**
 * The check that needs no DNS: the scheme, a host that is itself a non-public address (in any spelling the
 * URL parser accepts), and `localhost` names. `protocols`: the schemes this kind of channel uses.
 */
export function staticRefusal(
  url: URL,
  policy: ReachPolicy,
  protocols: readonly string[] = ['http:', 'https:'],
): Refusal | null {
  if (!protocols.includes(url.protocol)) return { reason: 'scheme', protocol: url.protocol };
  if (hostAllowed(url, policy)) return null;
  const host = normalHost(url.hostname);
  const kind = isLocalName(host) ? 'loopback' : classifyAddress(host);
  if (kind) return { reason: 'address', host: url.hostname, address: host, kind, allowAs: allowAs(url) };
  return null;
}

export type LookupAddress = { address: string; family: number };
/** Resolves a name to every address it has (the system resolver by default). */
export type Lookup = (hostname: string) => Promise<LookupAddress[]>;

/**
 * The addresses to connect to, each checked: a name with any non-public address is refused (DNS answers
 * can mix them to slip one through). Call it right before connecting, and connect only to what it returns.
 */
export async function checkedAddresses(
  url: URL,
  policy: ReachPolicy,
  lookup: Lookup,
): Promise<{ ok: true; addresses: LookupAddress[] } | { ok: false; refusal: Refusal }> {
  const early = staticRefusal(url, policy, [url.protocol]);
  if (early) return { ok: false, refusal: early };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses = literal ? [{ address: host, family: literal }] : await lookup(host);
  if (hostAllowed(url, policy)) return { ok: true, addresses };
  const port = effectivePort(url);
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind && !addressAllowed(address, port, policy))
      return {
        ok: false,
        refusal: { reason: 'address', host: url.hostname, address, kind, allowAs: allowAs(url) },
      };
  }
  return { ok: true, addresses };
}

const article = (kind: AddressKind) => (kind === 'unspecified' ? 'an' : 'a');

/** For the person saving a channel: names the field, the address and how an operator allows it. */
export function describeRefusalForForm(
  label: string,
  refusal: Refusal,
  protocols: readonly string[],
): string {
  if (refusal.reason === 'scheme') return `${label} must use ${protocols.map((p) => `${p}//`).join(' or ')}.`;
  const where =
    refusal.address === normalHost(refusal.host)
      ? `${refusal.host}, ${article(refusal.kind)} ${refusal.kind} address`
      : `${refusal.host}, which resolves to ${refusal.address}, ${article(refusal.kind)} ${refusal.kind} address`;
  return `${label} points to ${where}; channels may not reach loopback, link-local or private addresses. The operator can allow this host by adding "${refusal.allowAs}" to ${CHANNEL_ALLOWED_HOSTS_VAR}.`;
}

/** For delivery records: short, no path or query. */
export function describeRefusal(refusal: Refusal): string {
  if (refusal.reason === 'scheme') return `refused: the ${refusal.protocol}// scheme is not allowed`;
  const resolved = refusal.address === normalHost(refusal.host) ? '' : ` (resolves to ${refusal.address})`;
  return `refused: ${refusal.host}${resolved} is ${article(refusal.kind)} ${refusal.kind} address; allow it with ${CHANNEL_ALLOWED_HOSTS_VAR}`;
}

/** Thrown from a connection's lookup when the resolved addresses are refused. */
export class ReachRefusedError extends Error {
  readonly code = 'ERR_CHANNEL_TARGET_REFUSED';
  constructor(readonly refusal: Refusal) {
    super(describeRefusal(refusal));
    this.name = 'ReachRefusedError';
  }
}
