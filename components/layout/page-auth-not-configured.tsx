import { Icon } from './icons';

/** Served instead of any dashboard when a production server has no login configured. */
export function PageAuthNotConfigured({ problem }: { problem: string }) {
  return (
    <main className="grid min-h-screen place-items-center p-6">
      <div className="max-w-lg rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <p className="mb-4 flex items-center gap-2 font-semibold tracking-tight">
          <Icon name="logo" className="size-5 text-emerald-600 dark:text-emerald-400" />
          Chatwatch
        </p>
        <h1 className="text-xl font-semibold">The dashboards are locked</h1>
        <p className="mt-3 text-sm leading-6 text-zinc-600 dark:text-zinc-400">{problem}</p>
        <p className="mt-3 text-sm leading-6 text-zinc-600 dark:text-zinc-400">
          Ingestion (<code className="text-xs">/api/v1/events</code>), the read API with a <code className="text-xs">read</code> API key and{' '}
          <code className="text-xs">/api/health</code> keep working.
        </p>
      </div>
    </main>
  );
}
