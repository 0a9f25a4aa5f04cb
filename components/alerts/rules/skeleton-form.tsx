const BAR = 'rounded bg-zinc-200 dark:bg-zinc-800';

/** The loading state of an editor page: tabs, a header, then a card of form fields. */
export function SkeletonForm({ label, fields = 8 }: { label: string; fields?: number }) {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-6">
      <div className="flex gap-1 border-b border-zinc-200 pb-2 dark:border-zinc-800">
        {['w-14', 'w-12', 'w-16'].map((w) => (
          <div key={w} className={`h-5 ${w} ${BAR}`} />
        ))}
      </div>
      <div className="space-y-2">
        <div className={`h-7 w-64 max-w-full ${BAR}`} />
        <div className="h-4 w-80 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <div className={`h-4 w-28 ${BAR}`} />
        <div className="mt-2 mb-5 h-3 w-96 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
        <div className="grid gap-4 sm:grid-cols-2">
          {Array.from({ length: fields }, (_, i) => (
            <div key={i} className="space-y-1.5">
              <div className={`h-3 w-24 ${BAR}`} />
              <div className="h-9 rounded-md bg-zinc-100 dark:bg-zinc-800/60" />
            </div>
          ))}
        </div>
        <div className={`mt-5 h-8 w-28 ${BAR}`} />
      </div>
      <span className="sr-only">{label}</span>
    </div>
  );
}
