const BAR = 'rounded bg-zinc-200 dark:bg-zinc-800';
const CARD = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';

function SkeletonTable({ rows, form = true }: { rows: number; form?: boolean }) {
  return (
    <>
      <div className="space-y-2.5">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="h-5 rounded bg-zinc-100 dark:bg-zinc-800/60" />
        ))}
      </div>
      {form ? (
        <div className="mt-4 flex gap-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <div className={`h-9 flex-1 ${BAR}`} />
          <div className={`h-9 w-28 ${BAR}`} />
        </div>
      ) : null}
    </>
  );
}

function SkeletonCard({ title, rows, form }: { title: string; rows: number; form?: boolean }) {
  return (
    <div className={CARD}>
      <div className={`h-4 ${title} ${BAR}`} />
      <div className="mt-2 mb-4 h-3 w-72 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
      <SkeletonTable rows={rows} form={form} />
    </div>
  );
}

export default function SettingsLoading() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-6">
      <div className="space-y-2">
        <div className={`h-7 w-32 ${BAR}`} />
        <div className="h-4 w-96 max-w-full rounded bg-zinc-200/70 dark:bg-zinc-800/70" />
      </div>
      <SkeletonCard title="w-20" rows={2} />
      <SkeletonCard title="w-24" rows={3} />
      <SkeletonCard title="w-44" rows={2} />
      <SkeletonCard title="w-40" rows={6} form={false} />
      <SkeletonCard title="w-24" rows={6} form={false} />
      <SkeletonCard title="w-48" rows={5} form={false} />
      <span className="sr-only">Loading settings…</span>
    </div>
  );
}
