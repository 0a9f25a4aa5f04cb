'use client';

import { useEffect } from 'react';

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-xl border border-red-200 bg-white p-6 dark:border-red-900/60 dark:bg-zinc-900">
      <h1 className="text-lg font-semibold">This dashboard could not load</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        The data behind it is unavailable right now, often because the database is unreachable. The error has been logged on the server.
      </p>
      {error.digest ? <p className="mt-2 font-mono text-xs text-zinc-500">Reference: {error.digest}</p> : null}
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
      >
        Try again
      </button>
    </div>
  );
}
