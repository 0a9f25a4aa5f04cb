import Link from 'next/link';
import type { ReactNode } from 'react';

/** A link styled as the primary button of the settings forms. */
export function LinkButton({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link
      href={href}
      className="inline-flex items-center justify-center gap-1.5 rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium whitespace-nowrap text-white hover:bg-zinc-700 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
    >
      {children}
    </Link>
  );
}

/** A notice above the page content: `warning` for a problem with the URL, `success` after a save. */
export function Notice({ tone, children }: { tone: 'warning' | 'success'; children: ReactNode }) {
  const tones = {
    warning:
      'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200',
    success:
      'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  };
  return (
    <p
      role={tone === 'warning' ? 'alert' : 'status'}
      className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}
    >
      {children}
    </p>
  );
}
