import Link from 'next/link';
import { TimeUtc } from '@/components/ui/time-utc';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import type { TransitionView } from '@/lib/alerts/view/queries';
import { alertHref, formatAlertThreshold, formatAlertValue, groupLabel } from '@/lib/alerts/view/format';
import { BadgeSeverity } from './badge-severity';
import { StateChange } from './badge-state';

/** Alert transitions of the last days, newest first; each links to its alert's detail. */
export function TableRecentAlerts({
  transitions,
  projectSlug,
}: {
  transitions: TransitionView[];
  projectSlug: string;
}) {
  const columns: Column<TransitionView>[] = [
    { key: 'at', label: 'Time (UTC)', render: (t) => <TimeUtc date={t.at} /> },
    {
      key: 'alert',
      label: 'Alert',
      render: (t) => (
        <span className="flex min-w-48 flex-wrap items-center gap-x-2 gap-y-0.5">
          {t.rule ? <BadgeSeverity severity={t.rule.severity} /> : null}
          <Link href={alertHref(projectSlug, t.ruleId, t.groupKey)} className="font-medium hover:underline">
            {t.rule?.name ?? 'Deleted rule'}
          </Link>
          {groupLabel(t.rule?.definition ?? null, t.groupKey) ? (
            <span className="font-mono text-xs text-zinc-500">
              {groupLabel(t.rule?.definition ?? null, t.groupKey)}
            </span>
          ) : null}
        </span>
      ),
    },
    { key: 'change', label: 'Change', render: (t) => <StateChange from={t.fromState} to={t.toState} /> },
    {
      key: 'value',
      label: 'Value',
      align: 'right',
      render: (t) => (t.rule ? formatAlertValue(t.rule.definition, t.value) : (t.value ?? 'n/a')),
    },
    {
      key: 'threshold',
      label: 'Threshold',
      align: 'right',
      render: (t) =>
        t.rule ? formatAlertThreshold(t.rule.definition, t.threshold, t.toState) : (t.threshold ?? 'n/a'),
    },
  ];
  return (
    <TableSimple
      rows={transitions}
      columns={columns}
      empty="No alert fired, resolved or went pending in the last 7 days."
      rowKey={(t) => String(t.id)}
    />
  );
}
