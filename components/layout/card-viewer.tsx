import type { Viewer } from '@/lib/auth/viewer';

export function CardViewer({ viewer }: { viewer: Viewer }) {
  const label = viewer.name ?? viewer.email ?? viewer.userId;
  return (
    <div className="flex items-center gap-3">
      <span
        aria-hidden="true"
        className="grid size-8 shrink-0 place-items-center rounded-full bg-zinc-200 text-xs font-semibold text-zinc-700 uppercase dark:bg-zinc-800 dark:text-zinc-200"
      >
        {label.slice(0, 1)}
      </span>
      <div className="min-w-0 flex-1">
        <p className="flex items-center gap-1.5 text-sm font-medium">
          <span className="truncate" data-testid="viewer-name">
            {label}
          </span>
          {viewer.isAdmin ? (
            <span className="shrink-0 rounded bg-emerald-100 px-1.5 py-px text-[10px] font-semibold tracking-wide text-emerald-800 uppercase dark:bg-emerald-900/50 dark:text-emerald-300">
              Admin
            </span>
          ) : (
            <span className="shrink-0 rounded bg-zinc-100 px-1.5 py-px text-[10px] font-semibold tracking-wide text-zinc-600 uppercase dark:bg-zinc-800 dark:text-zinc-400">
              Viewer
            </span>
          )}
        </p>
        {viewer.email && viewer.email !== label ? <p className="truncate text-xs text-zinc-500">{viewer.email}</p> : null}
      </div>
    </div>
  );
}
