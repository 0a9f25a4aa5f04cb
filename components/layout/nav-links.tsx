'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { Icon } from './icons';
import { NAV_ITEMS, hrefWithCarriedParams, isActivePath } from './nav-items';

export function NavLinks() {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  return (
    <nav aria-label="Dashboards">
      <ul className="space-y-0.5">
        {NAV_ITEMS.map((item) => {
          const active = isActivePath(item.href, pathname);
          return (
            <li key={item.href}>
              <Link
                href={hrefWithCarriedParams(item.href, new URLSearchParams(searchParams.toString()))}
                aria-current={active ? 'page' : undefined}
                className={
                  'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors ' +
                  (active
                    ? 'bg-zinc-900 text-white dark:bg-zinc-800 dark:text-zinc-50'
                    : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/70 dark:hover:text-zinc-100')
                }
              >
                <Icon name={item.icon} className="size-4.5 shrink-0" />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
