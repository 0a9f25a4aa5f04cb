import { LOG_LEVELS } from '@/lib/metrics/types';

type Props = { hidden: Record<string, string>; levels: string[]; values: { event: string | null; userId: string | null; traceId: string | null; text: string | null } };

const input = 'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';

/** A plain GET form: the filters land in the URL, so a search can be shared and works without JavaScript. */
export function FormLogFilters({ hidden, levels, values }: Props) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-2" aria-label="Search logs">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label className="flex flex-col text-xs text-zinc-500">
        text
        <input name="q" defaultValue={values.text ?? ''} placeholder="message, event or error type" className={`${input} w-56`} />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        event / error type
        <input name="event" defaultValue={values.event ?? ''} className={`${input} w-40`} />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        user
        <input name="user" defaultValue={values.userId ?? ''} className={`${input} w-32`} />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        trace id
        <input name="trace" defaultValue={values.traceId ?? ''} className={`${input} w-40`} />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        levels
        <select name="levels" defaultValue={levels.join(',')} className={input}>
          <option value="">all</option>
          {LOG_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
          <option value="warn,error,critical">warn and above</option>
          <option value="error,critical">error and above</option>
        </select>
      </label>
      <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm text-white">
        Search
      </button>
    </form>
  );
}
