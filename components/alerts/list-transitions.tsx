import { TimeUtc } from '@/components/ui/time-utc';
import type { AlertDetail } from '@/lib/alerts/view/queries';
import type { Rule } from '@/lib/alerts/engine/types';
import { formatAlertThreshold, formatAlertValue } from '@/lib/alerts/view/format';
import { StateChange } from './badge-state';
import { TableDeliveries } from './table-deliveries';

const notifies = (t: AlertDetail['transitions'][number]) =>
  t.toState === 'firing' || (t.fromState === 'firing' && t.toState === 'resolved');

/** The state changes of one alert, newest first, each firing and resolution with its notifications. */
export function ListTransitions({
  rule,
  transitions,
}: {
  rule: Rule;
  transitions: AlertDetail['transitions'];
}) {
  if (transitions.length === 0)
    return <p className="py-6 text-center text-sm text-zinc-500">This alert has not changed state yet.</p>;
  return (
    <ol className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="alert-transitions">
      {transitions.map((t) => (
        <li key={t.id} className="space-y-2 py-3 first:pt-0 last:pb-0" data-testid="alert-transition">
          <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <TimeUtc date={t.at} seconds />
            <StateChange from={t.fromState} to={t.toState} />
            <span className="tabular-nums">
              {formatAlertValue(rule, t.value)}{' '}
              <span className="text-zinc-500">
                threshold {formatAlertThreshold(rule, t.threshold, t.toState)}
              </span>
            </span>
          </p>
          {t.deliveries.length > 0 ? (
            <div className="rounded-md border border-zinc-200 dark:border-zinc-800">
              <TableDeliveries deliveries={t.deliveries} />
            </div>
          ) : notifies(t) ? (
            <p className="text-xs text-zinc-500">
              No notification was queued: no channel takes {rule.severity} alerts, or a silence covered this
              alert.
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
