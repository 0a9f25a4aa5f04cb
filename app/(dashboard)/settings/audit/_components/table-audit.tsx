import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import type { AuditRow } from '@/lib/audit/queries';
import { TimeUtc } from '@/components/ui/time-utc';

function columnsFor(rows: AuditRow[]): Column<AuditRow>[] {
  const columns: Column<AuditRow>[] = [
    { key: 'at', label: 'Time (UTC)', render: (r) => <TimeUtc date={r.at} seconds /> },
    { key: 'actor', label: 'Actor', render: (r) => <span className="whitespace-nowrap">{r.actor}</span> },
    {
      key: 'action',
      label: 'Action',
      render: (r) => (
        <code
          className={`rounded px-1.5 py-0.5 font-mono text-[11px] whitespace-nowrap ${r.action === 'api_key.rejected' || r.action === 'access.refused' ? 'bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300' : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'}`}
        >
          {r.action}
        </code>
      ),
    },
    {
      key: 'target',
      label: 'Target',
      render: (r) => (
        <span title={r.target ?? undefined} className="block max-w-[14rem] truncate whitespace-nowrap">
          {r.target ?? '—'}
        </span>
      ),
    },
  ];
  if (rows.some((r) => r.count > 1))
    columns.push({
      key: 'count',
      label: 'Times',
      align: 'right',
      render: (r) => r.count.toLocaleString('en-US'),
    });
  if (rows.some((r) => r.ip))
    columns.push({
      key: 'ip',
      label: 'IP',
      render: (r) => <span className="font-mono text-xs">{r.ip ?? '—'}</span>,
    });
  columns.push({
    key: 'details',
    label: 'Details',
    render: (r) => {
      const json = r.details ? JSON.stringify(r.details) : '';
      return (
        <code
          title={json}
          className="block max-w-[28rem] truncate font-mono text-xs text-zinc-600 dark:text-zinc-400"
        >
          {json || '—'}
        </code>
      );
    },
  });
  return columns;
}

/** Audit entries as a table; a summarised row (failed keys from one source in a minute) shows its count. */
export function TableAudit({ rows }: { rows: AuditRow[] }) {
  return (
    <TableSimple
      rows={rows}
      columns={columnsFor(rows)}
      empty="Nothing recorded for these filters."
      rowKey={(r) => String(r.id)}
    />
  );
}
