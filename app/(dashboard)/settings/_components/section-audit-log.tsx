import { CardPanel } from '@/components/dashboard/card-panel';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import { AUDIT_PAGE_SIZE, type AuditRow } from '@/lib/settings/queries';
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
          className={`rounded px-1.5 py-0.5 font-mono text-[11px] whitespace-nowrap ${r.action === 'api_key.rejected' ? 'bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300' : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'}`}
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

export function SectionAuditLog({
  projectName,
  entries,
  unattributed,
}: {
  projectName: string;
  entries: AuditRow[];
  unattributed: AuditRow[] | null;
}) {
  return (
    <>
      <CardPanel
        title="Audit log"
        subtitle={`Admin actions and refused API keys of ${projectName}, newest first (the latest ${AUDIT_PAGE_SIZE}).`}
      >
        <TableSimple
          rows={entries}
          columns={columnsFor(entries)}
          empty="Nothing recorded yet."
          rowKey={(r) => String(r.id)}
        />
      </CardPanel>
      {unattributed ? (
        <CardPanel
          title="Refused API keys without a project"
          subtitle={`Missing, unknown or revoked keys, so no project is known (the latest ${AUDIT_PAGE_SIZE}). Visible to admins only.`}
        >
          <TableSimple
            rows={unattributed}
            columns={columnsFor(unattributed)}
            empty="No refused keys without a project."
            rowKey={(r) => String(r.id)}
          />
        </CardPanel>
      ) : null}
    </>
  );
}
