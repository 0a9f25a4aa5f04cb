import { TimeUtc } from '@/components/ui/time-utc';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import type { SilenceView } from '@/lib/alerts/view/queries';
import { formatDuration } from '@/lib/format';
import { ButtonEndSilence } from './button-end-silence';

type Props = { silences: SilenceView[]; projectId: string; isAdmin: boolean; now: Date };

/** Silences in force: what they cover, until when, who set them and why. */
export function TableSilences({ silences, projectId, isAdmin, now }: Props) {
  const columns: Column<SilenceView>[] = [
    {
      key: 'rule',
      label: 'Rule',
      render: (s) => (
        <span className="font-medium whitespace-nowrap">
          {s.ruleId === null ? 'All rules' : (s.ruleName ?? 'Deleted rule')}
        </span>
      ),
    },
    {
      key: 'group',
      label: 'Group',
      render: (s) =>
        s.groupKey === null ? (
          <span className="text-zinc-500">every group</span>
        ) : (
          <code className="font-mono text-xs">{s.groupKey || '(ungrouped)'}</code>
        ),
    },
    {
      key: 'ends',
      label: 'Ends (UTC)',
      render: (s) => (
        <span className="whitespace-nowrap">
          <TimeUtc date={s.endsAt} />{' '}
          <span className="text-xs text-zinc-500">
            in {formatDuration(s.endsAt.getTime() - now.getTime())}
          </span>
        </span>
      ),
    },
    {
      key: 'by',
      label: 'Created by',
      render: (s) => s.createdBy ?? <span className="text-zinc-400">unknown</span>,
    },
    {
      key: 'reason',
      label: 'Reason',
      render: (s) =>
        s.reason ? (
          <span className="line-clamp-2 max-w-xs min-w-40 break-words">{s.reason}</span>
        ) : (
          <span className="text-zinc-400">none given</span>
        ),
    },
  ];
  if (isAdmin)
    columns.push({
      key: 'end',
      label: '',
      align: 'right',
      render: (s) => <ButtonEndSilence projectId={projectId} silenceId={s.id} />,
    });
  return (
    <div data-testid="silences">
      <TableSimple
        rows={silences}
        columns={columns}
        empty="No silences in force: every alert notifies its channels."
        rowKey={(s) => s.id}
      />
    </div>
  );
}
