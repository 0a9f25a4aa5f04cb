'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';

const TABS = [
  { href: '/alerts', label: 'Alerts' },
  { href: '/alerts/rules', label: 'Rules' },
  { href: '/alerts/channels', label: 'Channels' },
] as const;

/** Sub-navigation of the alerts section; keeps the selected project. */
export function TabsAlerts() {
  const pathname = usePathname();
  const project = useSearchParams().get('project');
  const suffix = project ? `?project=${encodeURIComponent(project)}` : '';
  return (
    <nav aria-label="Alerts sections" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {TABS.map((tab) => {
        const active = tab.href === '/alerts' ? pathname === '/alerts' : pathname.startsWith(tab.href);
        return (
          <Link
            key={tab.href}
            href={`${tab.href}${suffix}`}
            aria-current={active ? 'page' : undefined}
            className={
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium ' +
              (active
                ? 'border-zinc-900 text-zinc-900 dark:border-zinc-100 dark:text-zinc-100'
                : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200')
            }
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
