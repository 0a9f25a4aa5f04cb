export default function DashboardLoading() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-2">
          <div className="h-7 w-52 rounded-md bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-4 w-72 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
        </div>
        <div className="h-9 w-64 max-w-full rounded-md bg-zinc-200 dark:bg-zinc-800" />
      </div>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="h-28 rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
            <div className="h-3 w-20 rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="mt-4 h-7 w-24 rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="mt-3 h-3 w-16 rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
          </div>
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {Array.from({ length: 2 }, (_, i) => (
          <div key={i} className="h-72 rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
            <div className="h-4 w-40 rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="mt-6 h-52 rounded-lg bg-zinc-100 dark:bg-zinc-800/60" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading the dashboard…</span>
    </div>
  );
}
