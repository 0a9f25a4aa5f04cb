import { describe, expect, it } from 'vitest';
import {
  checkedAddresses,
  classifyAddress,
  describeRefusal,
  describeRefusalForForm,
  expandIpv6,
  parseAllowedHosts,
  staticRefusal,
  STRICT_REACH,
  UNRESTRICTED_REACH,
  type Lookup,
  type ReachPolicy,
} from './reach';

const allow = (raw: string): ReachPolicy => ({ allowedHosts: parseAllowedHosts(raw) });
const refusedKind = (url: string, policy: ReachPolicy = STRICT_REACH) => {
  const r = staticRefusal(new URL(url), policy);
  return r?.reason === 'address' ? r.kind : (r?.reason ?? null);
};
const lookupOf =
  (table: Record<string, string[]>): Lookup =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['100.127.255.255', 'shared (carrier-grade NAT)'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['[::1]', 'loopback'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '11.0.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    'fec0',
  ])('%s is public (or not an address)', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('expands IPv6 with :: and a dotted quad', () => {
    expect(expandIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(expandIpv6('fe80::1')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(expandIpv6('1.2.3.4')).toBeNull();
  });
});

describe('staticRefusal: every spelling the URL parser accepts', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://①②⑦.0.0.1/', 'loopback'],
    ['https://[::1]:8443/hook', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://hooks.localhost/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://0.0.0.0:80/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://10.0.0.5/x', 'private'],
    ['http://012.0.0.5/x', 'private'],
    ['http://172.20.1.1/', 'private'],
    ['http://3232235777/', 'private'],
    ['http://100.64.1.1/', 'shared (carrier-grade NAT)'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://[fd00::1]/', 'unique local'],
    ['http://[fe80::abcd]/', 'link-local'],
  ])('%s is refused as %s', (url, kind) => {
    expect(refusedKind(url)).toBe(kind);
  });

  it('refuses other schemes and lets public hosts through', () => {
    expect(refusedKind('ftp://example.com/')).toBe('scheme');
    expect(refusedKind('file:///etc/passwd')).toBe('scheme');
    expect(refusedKind('https://hooks.slack.com/services/x')).toBeNull();
    expect(refusedKind('http://8.8.8.8/')).toBeNull();
    expect(staticRefusal(new URL('smtp://127.0.0.1:25'), STRICT_REACH, ['smtp:', 'smtps:'])).toMatchObject({
      kind: 'loopback',
    });
  });

  it('lets a host through that CHANNEL_ALLOWED_HOSTS names, with its port when one is given', () => {
    expect(refusedKind('http://127.0.0.1:9000/hook', allow('127.0.0.1'))).toBeNull();
    expect(refusedKind('http://2130706433:9000/hook', allow('127.1'))).toBeNull();
    expect(refusedKind('http://127.0.0.1:9000/hook', allow('127.0.0.1:9000'))).toBeNull();
    expect(refusedKind('http://127.0.0.1:9001/hook', allow('127.0.0.1:9000'))).toBe('loopback');
    expect(refusedKind('http://127.0.0.1/hook', allow('127.0.0.1:80'))).toBeNull();
    expect(refusedKind('http://localhost:4000/', allow(' localhost , 10.0.0.1'))).toBeNull();
    expect(refusedKind('http://[::1]:4000/', allow('::1'))).toBeNull();
    expect(refusedKind('http://[::1]:4000/', allow('[::1]:4000'))).toBeNull();
    expect(refusedKind('http://[::1]:4001/', allow('[::1]:4000'))).toBe('loopback');
    expect(refusedKind('http://127.0.0.2/', allow('127.0.0.1'))).toBe('loopback');
    expect(refusedKind('http://10.0.0.1/', UNRESTRICTED_REACH)).toBeNull();
  });

  it('reads CHANNEL_ALLOWED_HOSTS entries written as hosts, host:port or URLs, skipping junk', () => {
    expect(
      parseAllowedHosts('127.0.0.1, localhost:3000,[::1]:8080, http://Hooks.Internal:9000/x ,,a b'),
    ).toEqual([
      { host: '127.0.0.1' },
      { host: 'localhost', port: '3000' },
      { host: '[::1]', port: '8080' },
      { host: 'hooks.internal', port: '9000' },
    ]);
    expect(parseAllowedHosts(undefined)).toEqual([]);
  });
});

describe('checkedAddresses: what a name resolves to', () => {
  const lookup = lookupOf({
    'rebind.example': ['93.184.216.34', '127.0.0.1'],
    'meta.example': ['169.254.169.254'],
    'v6.example': ['2606:4700::1111', 'fd00::7'],
    'public.example': ['93.184.216.34', '2606:4700::1111'],
    'hooks.internal': ['10.1.2.3'],
  });

  it('refuses a name when any address it resolves to is not public', async () => {
    for (const host of ['rebind.example', 'meta.example', 'v6.example']) {
      const r = await checkedAddresses(new URL(`https://${host}/hook`), STRICT_REACH, lookup);
      expect(r.ok, host).toBe(false);
    }
    const r = await checkedAddresses(new URL('https://rebind.example/hook'), STRICT_REACH, lookup);
    if (r.ok) throw new Error('expected a refusal');
    expect(r.refusal).toMatchObject({ host: 'rebind.example', address: '127.0.0.1', kind: 'loopback' });
    expect(describeRefusal(r.refusal)).toBe(
      'refused: rebind.example (resolves to 127.0.0.1) is a loopback address; allow it with CHANNEL_ALLOWED_HOSTS',
    );
  });

  it('answers every address of a public name', async () => {
    expect(await checkedAddresses(new URL('https://public.example/'), STRICT_REACH, lookup)).toEqual({
      ok: true,
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
    });
  });

  it('allows a name or its address when CHANNEL_ALLOWED_HOSTS names it', async () => {
    expect(
      (await checkedAddresses(new URL('http://hooks.internal/'), allow('hooks.internal'), lookup)).ok,
    ).toBe(true);
    expect(
      (await checkedAddresses(new URL('http://hooks.internal:9000/'), allow('10.1.2.3:9000'), lookup)).ok,
    ).toBe(true);
    expect(
      (await checkedAddresses(new URL('http://hooks.internal:9001/'), allow('10.1.2.3:9000'), lookup)).ok,
    ).toBe(false);
  });

  it('refuses literal addresses without asking DNS', async () => {
    let asked = 0;
    const counting: Lookup = async () => {
      asked++;
      return [];
    };
    expect((await checkedAddresses(new URL('http://2130706433/'), STRICT_REACH, counting)).ok).toBe(false);
    expect(await checkedAddresses(new URL('http://8.8.8.8/'), STRICT_REACH, counting)).toEqual({
      ok: true,
      addresses: [{ address: '8.8.8.8', family: 4 }],
    });
    expect(asked).toBe(0);
  });
});

describe('messages', () => {
  it('tells the person saving a channel what is wrong and which variable allows it', () => {
    const refusal = staticRefusal(new URL('http://2130706433:9000/hook'), STRICT_REACH)!;
    expect(describeRefusalForForm('Webhook URL', refusal, ['http:', 'https:'])).toBe(
      'Webhook URL points to 127.0.0.1, a loopback address; channels may not reach loopback, link-local or private addresses. The operator can allow this host by adding "127.0.0.1:9000" to CHANNEL_ALLOWED_HOSTS.',
    );
    const scheme = staticRefusal(new URL('gopher://example.com/'), STRICT_REACH)!;
    expect(describeRefusalForForm('Webhook URL', scheme, ['http:', 'https:'])).toBe(
      'Webhook URL must use http:// or https://.',
    );
    expect(describeRefusal(staticRefusal(new URL('http://0/'), STRICT_REACH)!)).toBe(
      'refused: 0.0.0.0 is an unspecified address; allow it with CHANNEL_ALLOWED_HOSTS',
    );
  });
});
