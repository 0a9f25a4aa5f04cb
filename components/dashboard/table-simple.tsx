import type { ReactNode } from 'react';

export type Column<T> = { key: string; label: string; align?: 'left' | 'right'; render: (row: T) => ReactNode };

/** A compact, horizontally scrollable table; `empty` shows when there are no rows. */
export function TableSimple<T>({ rows, columns, empty, rowKey }: { rows: T[]; columns: Column<T>[]; empty: string; rowKey: (row: T) => string }) {
  if (rows.length === 0) return <p className="py-6 text-center text-sm text-zinc-500">{empty}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead>
          <tr className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800">
            {columns.map((c) => (
              <th key={c.key} className={`px-2 py-1.5 font-medium ${c.align === 'right' ? 'text-right' : 'text-left'}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
              {columns.map((c) => (
                <td key={c.key} className={`px-2 py-1.5 tabular-nums ${c.align === 'right' ? 'text-right' : 'text-left'}`}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
