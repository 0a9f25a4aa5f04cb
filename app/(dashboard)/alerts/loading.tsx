const BAR = 'rounded bg-zinc-200 dark:bg-zinc-800';
const CARD = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';

function SkeletonRows({ rows }: { rows: number }) {
  return (
    <div className="space-y-2.5">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-5 rounded bg-zinc-100 dark:bg-zinc-800/60" />
      ))}
    </div>
  );
}

export default function AlertsLoading() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-6">
      <div className="flex gap-1 border-b border-zinc-200 pb-2 dark:border-zinc-800">
        {['w-14', 'w-12', 'w-20'].map((w) => (
          <div key={w} className={`h-5 ${w} ${BAR}`} />
        ))}
      </div>
      <div className="space-y-2">
        <div className={`h-7 w-24 ${BAR}`} />
        <div className="h-4 w-96 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
      </div>
      <div className="space-y-3">
        <div className={`h-4 w-44 ${BAR}`} />
        {Array.from({ length: 2 }, (_, i) => (
          <div key={i} className={`${CARD} space-y-2`}>
            <div className={`h-5 w-64 max-w-full ${BAR}`} />
            <div className="h-4 w-48 rounded bg-zinc-100 dark:bg-zinc-800/60" />
            <div className="h-3 w-56 rounded bg-zinc-100 dark:bg-zinc-800/60" />
          </div>
        ))}
      </div>
      <div className={CARD}>
        <div className={`mb-4 h-4 w-28 ${BAR}`} />
        <SkeletonRows rows={6} />
      </div>
      <div className={CARD}>
        <div className={`mb-4 h-4 w-20 ${BAR}`} />
        <SkeletonRows rows={2} />
      </div>
      <span className="sr-only">Loading alerts…</span>
    </div>
  );
}
