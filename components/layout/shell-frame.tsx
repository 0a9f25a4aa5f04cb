'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { Icon } from './icons';

/** The sidebar is static from `lg` up; below that it is a drawer opened from the top bar. */
export function ShellFrame({ sidebar, banner, children }: { sidebar: ReactNode; banner: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [lastPathname, setLastPathname] = useState(pathname);
  if (pathname !== lastPathname) {
    setLastPathname(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <div className="min-h-screen lg:pl-64">
      <div
        aria-hidden="true"
        onClick={() => setOpen(false)}
        className={'fixed inset-0 z-30 bg-zinc-950/40 backdrop-blur-[1px] transition-opacity lg:hidden ' + (open ? 'opacity-100' : 'pointer-events-none opacity-0')}
      />
      <aside
        id="app-sidebar"
        onClick={(event) => (event.target as HTMLElement).closest('a') && setOpen(false)}
        className={
          'fixed inset-y-0 left-0 z-40 flex w-64 flex-col border-r border-zinc-200 bg-white transition-[transform,visibility] duration-200 dark:border-zinc-800 dark:bg-zinc-950 ' +
          (open ? 'visible translate-x-0' : 'invisible -translate-x-full lg:visible lg:translate-x-0')
        }
      >
        {sidebar}
      </aside>
      <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur lg:hidden dark:border-zinc-800 dark:bg-zinc-950/90">
        <button
          type="button"
          onClick={() => setOpen((value) => !value)}
          aria-expanded={open}
          aria-controls="app-sidebar"
          className="-ml-1 rounded-md p-1.5 text-zinc-700 hover:bg-zinc-100 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          <Icon name={open ? 'close' : 'menu'} />
          <span className="sr-only">{open ? 'Close navigation' : 'Open navigation'}</span>
        </button>
        <span className="flex items-center gap-2 font-semibold tracking-tight">
          <Icon name="logo" className="size-5 text-emerald-600 dark:text-emerald-400" />
          Chatwatch
        </span>
      </header>
      {banner}
      <main className="mx-auto w-full max-w-7xl px-4 py-6 sm:px-6 lg:px-8 lg:py-8">{children}</main>
    </div>
  );
}
