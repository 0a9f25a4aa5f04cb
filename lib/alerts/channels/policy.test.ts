import { describe, expect, it, vi } from 'vitest';
import type { Lookup } from './reach';

const env = vi.hoisted(() => ({ CHANNEL_ALLOWED_HOSTS: undefined as string | undefined }));
vi.mock('@/lib/env', () => ({ env }));
const { allowedChannelHosts, channelUrlProblem, reachPolicyFor } = await import('./policy');

const HTTP = ['http:', 'https:'] as const;
const lookup: Lookup = async (host) => {
  const table: Record<string, string[]> = {
    'internal.example.com': ['10.20.30.40'],
    'mixed.example.com': ['93.184.216.34', 'fe80::1'],
    'public.example.com': ['93.184.216.34'],
  };
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('channelUrlProblem (save time)', () => {
  it('refuses literal and resolved non-public addresses with the field, the address and CHANNEL_ALLOWED_HOSTS', async () => {
    env.CHANNEL_ALLOWED_HOSTS = undefined;
    expect(await channelUrlProblem('http://127.1:9000/hook', 'Webhook URL', HTTP, { lookup })).toBe(
      'Webhook URL points to 127.0.0.1, a loopback address; channels may not reach loopback, link-local or private addresses. The operator can allow this host by adding "127.0.0.1:9000" to CHANNEL_ALLOWED_HOSTS.',
    );
    expect(
      await channelUrlProblem('https://internal.example.com/h', 'Slack webhook URL', HTTP, { lookup }),
    ).toBe(
      'Slack webhook URL points to internal.example.com, which resolves to 10.20.30.40, a private address; channels may not reach loopback, link-local or private addresses. The operator can allow this host by adding "internal.example.com" to CHANNEL_ALLOWED_HOSTS.',
    );
    expect(await channelUrlProblem('https://mixed.example.com/h', 'Webhook URL', HTTP, { lookup })).toMatch(
      /resolves to fe80::1, a link-local address/,
    );
    expect(
      await channelUrlProblem('smtp://u:p@[::ffff:192.168.0.9]:25', 'SMTP URL', ['smtp:', 'smtps:'], {
        lookup,
      }),
    ).toMatch(/^SMTP URL points to \[::ffff:c0a8:9\], a private address/);
    expect(await channelUrlProblem('ftp://public.example.com/', 'Webhook URL', HTTP, { lookup })).toBe(
      'Webhook URL must use http:// or https://.',
    );
  });

  it('lets public hosts through, and names that do not resolve yet (the send-time check decides)', async () => {
    env.CHANNEL_ALLOWED_HOSTS = undefined;
    expect(
      await channelUrlProblem('https://public.example.com/h', 'Webhook URL', HTTP, { lookup }),
    ).toBeNull();
    expect(
      await channelUrlProblem('https://not-yet.example.com/h', 'Webhook URL', HTTP, { lookup }),
    ).toBeNull();
  });

  it('follows CHANNEL_ALLOWED_HOSTS', async () => {
    env.CHANNEL_ALLOWED_HOSTS = '127.0.0.1, internal.example.com';
    expect(allowedChannelHosts()).toEqual([{ host: '127.0.0.1' }, { host: 'internal.example.com' }]);
    expect(
      await channelUrlProblem('http://2130706433:9000/hook', 'Webhook URL', HTTP, { lookup }),
    ).toBeNull();
    expect(
      await channelUrlProblem('https://internal.example.com/h', 'Webhook URL', HTTP, { lookup }),
    ).toBeNull();
    expect(await channelUrlProblem('http://localhost:9000/hook', 'Webhook URL', HTTP, { lookup })).toMatch(
      /loopback/,
    );
  });
});

describe('reachPolicyFor (send time)', () => {
  it('exempts channels from the environment and holds settings channels to CHANNEL_ALLOWED_HOSTS', () => {
    env.CHANNEL_ALLOWED_HOSTS = 'localhost:4000';
    expect(reachPolicyFor('env:webhook')).toEqual({ unrestricted: true });
    expect(reachPolicyFor('env:email')).toEqual({ unrestricted: true });
    expect(reachPolicyFor('db:5b0c1c2e-8d6f-4c1a-9a57-0d7f3f3b6a11')).toEqual({
      allowedHosts: [{ host: 'localhost', port: '4000' }],
    });
    env.CHANNEL_ALLOWED_HOSTS = undefined;
    expect(reachPolicyFor('db:5b0c1c2e-8d6f-4c1a-9a57-0d7f3f3b6a11')).toEqual({ allowedHosts: [] });
  });
});
