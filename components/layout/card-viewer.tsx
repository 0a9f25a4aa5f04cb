import type { Viewer } from '@/lib/auth/viewer';

import { ORG_ADMIN_ROLE } from '@/lib/auth/access';

/** The viewer's standing: an installation role wins over their role in the active organization. */
function roleBadge(viewer: Viewer): { label: string; admin: boolean } {
  if (viewer.installRole === 'admin') return { label: 'Admin', admin: true };
  if (viewer.orgId && viewer.orgRole === ORG_ADMIN_ROLE) return { label: 'Org admin', admin: true };
  if (viewer.installRole === 'viewer') return { label: 'Viewer', admin: false };
  return { label: 'Member', admin: false };
}

export function CardViewer({ viewer }: { viewer: Viewer }) {
  const label = viewer.name ?? viewer.email ?? viewer.userId;
  const badge = roleBadge(viewer);
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
          <span
            data-testid="viewer-role"
            className={`shrink-0 rounded px-1.5 py-px text-[10px] font-semibold tracking-wide uppercase ${badge.admin ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300' : 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400'}`}
          >
            {badge.label}
          </span>
        </p>
        {viewer.email && viewer.email !== label ? (
          <p className="truncate text-xs text-zinc-500">{viewer.email}</p>
        ) : null}
      </div>
    </div>
  );
}
