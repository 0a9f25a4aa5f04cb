import type { AuditFilter } from '@/lib/audit/filter';
const INPUT =
  'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';

const local = (date: Date | null) => (date ? date.toISOString().slice(0, 16) : '');

/** A plain GET form: the filters land in the URL, so a view of the log can be shared. */
export function FormAuditFilters({
  hidden,
  filter,
}: {
  hidden: Record<string, string>;
  filter: AuditFilter;
}) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-2" aria-label="Filter the audit log">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label className="flex flex-col text-xs text-zinc-500">
        actor
        <input
          name="actor"
          defaultValue={filter.actor ?? ''}
          placeholder="email or user id"
          className={`${INPUT} w-48`}
        />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        action
        <input
          name="action"
          defaultValue={filter.action ?? ''}
          placeholder="e.g. access.refused"
          className={`${INPUT} w-44`}
        />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        from (UTC)
        <input type="datetime-local" name="from" defaultValue={local(filter.from)} className={INPUT} />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        to (UTC)
        <input type="datetime-local" name="to" defaultValue={local(filter.to)} className={INPUT} />
      </label>
      <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm text-white">
        Filter
      </button>
    </form>
  );
}
