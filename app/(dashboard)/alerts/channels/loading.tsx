const BAR = 'rounded bg-zinc-200 dark:bg-zinc-800';
const CARD = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';

function SkeletonChannels({ rows, form }: { rows: number; form: boolean }) {
  return (
    <div className={CARD}>
      <div className={`h-4 w-32 ${BAR}`} />
      <div className="mt-2 mb-4 h-3 w-96 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
      {Array.from({ length: rows }, (_, i) => (
        <div
          key={i}
          className="flex items-center gap-4 border-b border-zinc-100 py-3 last:border-0 dark:border-zinc-800/60"
        >
          <div className="min-w-0 flex-1 space-y-1.5">
            <div className={`h-4 w-44 max-w-full ${BAR}`} />
            <div className="h-3 w-60 max-w-full rounded bg-zinc-100 dark:bg-zinc-800/60" />
          </div>
          <div className={`h-8 w-24 ${BAR}`} />
        </div>
      ))}
      {form ? (
        <div className="mt-4 grid gap-3 border-t border-zinc-200 pt-4 sm:grid-cols-2 dark:border-zinc-800">
          <div className={`h-9 ${BAR}`} />
          <div className={`h-9 ${BAR}`} />
          <div className={`h-9 ${BAR}`} />
          <div className={`h-9 w-28 ${BAR}`} />
        </div>
      ) : null}
    </div>
  );
}

/** Mirrors the channels page: tabs, header, project channels with the add form, then env channels. */
export default function AlertChannelsLoading() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-6">
      <div className="flex gap-1 border-b border-zinc-200 pb-2 dark:border-zinc-800">
        {['w-14', 'w-12', 'w-16'].map((w) => (
          <div key={w} className={`h-5 ${w} ${BAR}`} />
        ))}
      </div>
      <div className="space-y-2">
        <div className={`h-7 w-56 ${BAR}`} />
        <div className="h-4 w-[32rem] max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
      </div>
      <SkeletonChannels rows={2} form />
      <SkeletonChannels rows={1} form={false} />
      <span className="sr-only">Loading notification channels…</span>
    </div>
  );
}
