const BAR = 'rounded bg-zinc-200 dark:bg-zinc-800';

/** Mirrors the rules page: tabs, header, then the rule rows. */
export default function AlertRulesLoading() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-6">
      <div className="flex gap-1 border-b border-zinc-200 pb-2 dark:border-zinc-800">
        {['w-14', 'w-12', 'w-16'].map((w) => (
          <div key={w} className={`h-5 ${w} ${BAR}`} />
        ))}
      </div>
      <div className="space-y-3">
        <div className="space-y-2">
          <div className={`h-7 w-36 ${BAR}`} />
          <div className="h-4 w-96 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
        </div>
        <div className={`h-8 w-24 ${BAR}`} />
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <div className={`h-4 w-24 ${BAR}`} />
        <div className="mt-2 mb-4 h-3 w-80 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
        <div className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
          {Array.from({ length: 10 }, (_, i) => (
            <div key={i} className="flex items-center gap-4 py-3">
              <div className="min-w-0 flex-1 space-y-1.5">
                <div className={`h-4 w-56 max-w-full ${BAR}`} />
                <div className="h-3 w-40 rounded bg-zinc-100 dark:bg-zinc-800/60" />
              </div>
              <div className={`hidden h-5 w-8 sm:block ${BAR}`} />
              <div className={`h-5 w-9 rounded-full ${BAR}`} />
              <div className={`hidden h-8 w-24 md:block ${BAR}`} />
            </div>
          ))}
        </div>
      </div>
      <span className="sr-only">Loading alert rules…</span>
    </div>
  );
}
