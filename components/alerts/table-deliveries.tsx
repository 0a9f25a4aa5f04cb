import { TimeUtc } from '@/components/ui/time-utc';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import type { DeliveryStatus } from '@/db/schema';
import type { DeliveryView } from '@/lib/alerts/view/queries';

const STATUS_TONES: Record<DeliveryStatus, string> = {
  sent: 'bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300',
  pending: 'bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  failed: 'bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300',
};

const COLUMNS: Column<DeliveryView>[] = [
  {
    key: 'channel',
    label: 'Channel',
    render: (d) => (
      <span title={d.channel} className="whitespace-nowrap">
        {d.channelName}
      </span>
    ),
  },
  { key: 'kind', label: 'Kind', render: (d) => (d.kind === 'repeat' ? `repeat #${d.seq}` : d.kind) },
  {
    key: 'status',
    label: 'Status',
    render: (d) => (
      <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${STATUS_TONES[d.status]}`}>
        {d.status}
      </span>
    ),
  },
  { key: 'attempts', label: 'Attempts', align: 'right', render: (d) => d.attempt },
  { key: 'response', label: 'Response', align: 'right', render: (d) => d.responseStatus ?? '—' },
  { key: 'sent', label: 'Sent (UTC)', render: (d) => (d.sentAt ? <TimeUtc date={d.sentAt} seconds /> : '—') },
  {
    key: 'next',
    label: 'Next attempt',
    render: (d) =>
      d.status === 'pending' && d.nextAttemptAt ? <TimeUtc date={d.nextAttemptAt} seconds /> : '—',
  },
  {
    key: 'error',
    label: 'Last error',
    render: (d) =>
      d.lastError ? (
        <span className="block max-w-sm min-w-48 text-xs break-words text-rose-700 dark:text-rose-400">
          {d.lastError}
        </span>
      ) : (
        '—'
      ),
  },
];

/** Every notification of one transition: one row per channel (and per repeat), with each attempt's outcome. */
export function TableDeliveries({ deliveries }: { deliveries: DeliveryView[] }) {
  return (
    <TableSimple rows={deliveries} columns={COLUMNS} empty="No notifications." rowKey={(d) => String(d.id)} />
  );
}
