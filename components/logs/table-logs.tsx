import type { LogEntry } from '@/lib/metrics/types';

const LEVEL_TONE: Record<string, string> = {
  debug: 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400',
  info: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  warn: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  error: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300',
  critical: 'bg-rose-600 text-white',
};

/** One row per log or error; a row expands (native <details>) to the event's full JSON. */
export function TableLogs({ entries }: { entries: LogEntry[] }) {
  return (
    <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900" data-testid="log-rows">
      {entries.map((e) => (
        <li key={e.id}>
          <details className="group">
            <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
              <time className="font-mono text-xs text-zinc-500" dateTime={e.ts}>
                {e.ts.slice(0, 19).replace('T', ' ')}
              </time>
              <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${LEVEL_TONE[e.level] ?? LEVEL_TONE.info}`}>{e.level}</span>
              <span className="text-xs text-zinc-500">{e.service}</span>
              <span className="font-medium">{e.event ?? e.type}</span>
              <span className="min-w-0 flex-1 truncate text-zinc-600 dark:text-zinc-400">{e.message}</span>
              {e.userId && <span className="text-xs text-zinc-500">user {e.userId}</span>}
            </summary>
            <pre className="overflow-x-auto bg-zinc-50 px-3 py-2 text-xs dark:bg-zinc-950">{JSON.stringify(e.fields, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
