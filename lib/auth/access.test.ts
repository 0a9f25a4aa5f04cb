import { describe, expect, it } from 'vitest';
import {
  installationRole,
  mayCreateProjects,
  mayEnter,
  parseAccessLists,
  projectRole,
  roleAtLeast,
  type Principal,
} from './access';

const lists = parseAccessLists('ops@example.com, Boss@Corp.io', 'watcher@example.com,@viewers.org, @');

const nobody: Principal = { email: null, metadataRole: null, orgId: null, orgRole: null };
const withRole = (p: Partial<Principal>) => {
  const principal = { ...nobody, ...p };
  return { ...principal, installRole: installationRole(principal, lists) };
};

describe('parseAccessLists', () => {
  it('splits emails and @domain entries, lowercased, ignoring blanks and a bare @', () => {
    expect([...lists.adminEmails]).toEqual(['ops@example.com', 'boss@corp.io']);
    expect([...lists.viewerEmails]).toEqual(['watcher@example.com']);
    expect([...lists.viewerDomains]).toEqual(['viewers.org']);
    expect(parseAccessLists(undefined, '').adminEmails.size).toBe(0);
  });
});

describe('installationRole', () => {
  it.each([
    ['ADMIN_EMAILS, any case', { email: 'OPS@example.com' }, 'admin'],
    ['metadata admin', { metadataRole: 'Admin' }, 'admin'],
    ['admin wins over a viewer domain', { email: 'ops@example.com', metadataRole: 'viewer' }, 'admin'],
    ['VIEWER_EMAILS', { email: 'watcher@example.com' }, 'viewer'],
    ['a VIEWER_EMAILS domain', { email: 'anyone@Viewers.org' }, 'viewer'],
    ['metadata viewer', { metadataRole: 'viewer' }, 'viewer'],
    ['a subdomain is not the domain', { email: 'a@sub.viewers.org' }, null],
    ['a lookalike domain', { email: 'a@viewers.org.evil.com' }, null],
    ['a malformed email with two @', { email: 'x@evil.com@viewers.org' }, null],
    ['another email of a listed domain', { email: 'someone@example.com' }, null],
    ['an unknown metadata role', { metadataRole: 'owner' }, null],
    ['no email, no role', {}, null],
  ] as const)('%s', (_, principal, expected) => {
    expect(installationRole({ ...nobody, ...principal }, lists)).toBe(expected);
  });
});

describe('projectRole', () => {
  const orgProject = { orgId: 'org_a' };
  const otherOrgProject = { orgId: 'org_b' };
  const noOrgProject = { orgId: null };

  const cases: [string, Partial<Principal>, [string | null, string | null, string | null]][] = [
    // [org_a project, org_b project, project without organization]
    ['a stranger', {}, [null, null, null]],
    ['a member of org_a', { orgId: 'org_a', orgRole: 'org:member' }, ['viewer', null, null]],
    ['an admin of org_a', { orgId: 'org_a', orgRole: 'org:admin' }, ['admin', null, null]],
    ['a custom role of org_a', { orgId: 'org_a', orgRole: 'org:billing' }, ['viewer', null, null]],
    ['an email admin', { email: 'ops@example.com' }, ['admin', 'admin', 'admin']],
    [
      'a metadata admin in org_b',
      { metadataRole: 'admin', orgId: 'org_b', orgRole: 'org:member' },
      ['admin', 'admin', 'admin'],
    ],
    ['a domain viewer', { email: 'x@viewers.org' }, ['viewer', 'viewer', 'viewer']],
    [
      'a domain viewer who is admin of org_a',
      { email: 'x@viewers.org', orgId: 'org_a', orgRole: 'org:admin' },
      ['admin', 'viewer', 'viewer'],
    ],
    ['a metadata viewer', { metadataRole: 'viewer' }, ['viewer', 'viewer', 'viewer']],
  ];
  it.each(cases)('%s', (_, principal, [a, b, none]) => {
    const p = withRole(principal);
    expect(projectRole(p, orgProject)).toBe(a);
    expect(projectRole(p, otherOrgProject)).toBe(b);
    expect(projectRole(p, noOrgProject)).toBe(none);
  });

  it('an organization id never matches a project without one', () => {
    expect(projectRole(withRole({ orgId: '', orgRole: 'org:admin' }), { orgId: null })).toBeNull();
  });
});

describe('mayEnter and mayCreateProjects', () => {
  it.each([
    ['a stranger', {}, false, false],
    ['an org member', { orgId: 'org_a', orgRole: 'org:member' }, true, false],
    ['an org admin', { orgId: 'org_a', orgRole: 'org:admin' }, true, true],
    ['an email viewer', { email: 'watcher@example.com' }, true, false],
    ['an email admin', { email: 'ops@example.com' }, true, true],
    ['an org role without an organization', { orgRole: 'org:admin' }, false, false],
  ] as const)('%s', (_, principal, enter, create) => {
    const p = withRole(principal);
    expect(mayEnter(p)).toBe(enter);
    expect(mayCreateProjects(p)).toBe(create);
  });
});

describe('roleAtLeast', () => {
  it('orders viewer below admin and refuses no role', () => {
    expect(roleAtLeast('admin', 'admin')).toBe(true);
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
    expect(roleAtLeast('viewer', 'admin')).toBe(false);
    expect(roleAtLeast(null, 'viewer')).toBe(false);
  });
});
