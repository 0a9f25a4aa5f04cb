import { formatDuration } from '@/lib/format';
import { formatUtc } from '@/lib/status/format';
import type { OpenIncident, ResolvedIncident } from '@/lib/status/model';

const SEVERITY =
  'rounded px-1.5 py-0.5 text-[11px] font-medium bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300';

export function ListOpenIncidents({ incidents }: { incidents: OpenIncident[] }) {
  if (incidents.length === 0)
    return (
      <p className="text-sm text-zinc-500" data-testid="no-open-incidents">
        No open incidents.
      </p>
    );
  return (
    <ul className="space-y-2" data-testid="open-incidents">
      {incidents.map((i) => (
        <li
          key={`${i.title}-${i.since}`}
          className="rounded-lg border border-rose-200 bg-white p-3 text-sm dark:border-rose-900/60 dark:bg-zinc-900"
        >
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{i.title}</span>
            <span className={SEVERITY}>{i.severity}</span>
          </p>
          <p className="mt-1 text-xs text-zinc-500">Since {formatUtc(i.since)}</p>
        </li>
      ))}
    </ul>
  );
}

export function ListResolvedIncidents({ incidents }: { incidents: ResolvedIncident[] }) {
  if (incidents.length === 0)
    return <p className="text-sm text-zinc-500">No incidents in the last 7 days.</p>;
  return (
    <ul className="space-y-2" data-testid="resolved-incidents">
      {incidents.map((i) => (
        <li
          key={`${i.title}-${i.startedAt}`}
          className="rounded-lg border border-zinc-200 bg-white p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{i.title}</span>
            <span className={SEVERITY}>{i.severity}</span>
            <span className="ml-auto text-xs text-emerald-700 dark:text-emerald-400">Resolved</span>
          </p>
          <p className="mt-1 text-xs text-zinc-500">
            {formatUtc(i.startedAt)} to {formatUtc(i.resolvedAt)} (
            {formatDuration(Date.parse(i.resolvedAt) - Date.parse(i.startedAt))})
          </p>
        </li>
      ))}
    </ul>
  );
}
