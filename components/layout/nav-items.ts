import type { IconName } from './icons';

export type NavItem = { href: string; label: string; icon: IconName };

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview', icon: 'overview' },
  { href: '/experience', label: 'User Experience', icon: 'experience' },
  { href: '/ai', label: 'AI Performance', icon: 'ai' },
  { href: '/system', label: 'System Status', icon: 'system' },
  { href: '/alerts', label: 'Alerts', icon: 'alerts' },
  { href: '/logs', label: 'Logs', icon: 'logs' },
  { href: '/settings', label: 'Settings', icon: 'settings' },
];

/** The view a user is looking at (project, time range, shared filters) follows them from page to page. */
export const CARRIED_PARAMS = ['project', 'range', 'from', 'to', 'service', 'environment'] as const;

export function hrefWithCarriedParams(path: string, current: URLSearchParams): string {
  const next = new URLSearchParams();
  for (const name of CARRIED_PARAMS) {
    const value = current.get(name);
    if (value) next.set(name, value);
  }
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}

export function isActivePath(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}
