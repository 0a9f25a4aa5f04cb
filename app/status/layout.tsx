import type { ReactNode } from 'react';
import { Icon } from '@/components/layout/icons';

/** The public frame: no dashboard shell, navigation, sign-in state or links back into the dashboard. */
export default function StatusLayout({ children }: { children: ReactNode }) {
  return (
    <div className="mx-auto flex min-h-screen w-full max-w-3xl flex-col px-4 py-8 sm:px-6">
      <header className="mb-6 flex items-center gap-2 text-sm font-semibold tracking-tight text-zinc-600 dark:text-zinc-400">
        <Icon name="logo" className="size-5 text-emerald-600 dark:text-emerald-400" />
        Status
      </header>
      <main className="flex-1">{children}</main>
      <footer className="mt-10 text-center text-xs text-zinc-500">Powered by Chatwatch</footer>
    </div>
  );
}
