import Link from 'next/link';
import { TimeUtc } from '@/components/ui/time-utc';
import type { ActiveAlert } from '@/lib/alerts/view/queries';
import { alertHref, formatAlertThreshold, formatAlertValue, groupLabel } from '@/lib/alerts/view/format';
import { formatDuration } from '@/lib/format';
import { BadgeSeverity } from './badge-severity';
import { BadgeState } from './badge-state';
import { ButtonAcknowledge } from './button-acknowledge';
import { ToggleSilence } from './toggle-silence';

export type ActiveAlertItem = ActiveAlert & { silencedUntil: Date | null };

type Props = {
  alerts: ActiveAlertItem[];
  project: { id: string; slug: string };
  isAdmin: boolean;
  now: Date;
  /** Custom silence end bounds (datetime-local, UTC). */
  endBounds: { minEnd: string; maxEnd: string };
};

/** Firing and pending alerts as cards (they stay readable at phone width), with Acknowledge and Silence. */
export function ListActiveAlerts({ alerts, project, isAdmin, now, endBounds }: Props) {
  return (
    <ul className="space-y-3" data-testid="active-alerts">
      {alerts.map((a) => {
        const group = groupLabel(a.rule, a.groupKey);
        return (
          <li
            key={`${a.ruleId}:${a.groupKey}`}
            data-testid="active-alert"
            className={`rounded-lg border bg-white p-4 dark:bg-zinc-900 ${a.state === 'firing' ? 'border-rose-200 dark:border-rose-900/60' : 'border-zinc-200 dark:border-zinc-800'}`}
          >
            <div className="flex flex-wrap items-start gap-x-4 gap-y-3">
              <div className="min-w-0 flex-1 basis-72 space-y-1.5">
                <p className="flex flex-wrap items-center gap-2">
                  <BadgeSeverity severity={a.rule.severity} />
                  <Link
                    href={alertHref(project.slug, a.ruleId, a.groupKey)}
                    className="font-medium hover:underline"
                  >
                    {a.rule.name}
                  </Link>
                  <BadgeState state={a.state} />
                  {group ? <span className="font-mono text-xs text-zinc-500">{group}</span> : null}
                  {a.rule.enabled ? null : (
                    <span className="text-xs text-amber-700 dark:text-amber-400">rule disabled</span>
                  )}
                </p>
                <p className="text-sm">
                  <span className="font-semibold tabular-nums" data-testid="alert-value">
                    {formatAlertValue(a.rule, a.value)}
                  </span>{' '}
                  <span className="text-zinc-500">
                    threshold{' '}
                    <span className="tabular-nums">{formatAlertThreshold(a.rule, a.threshold, a.state)}</span>
                  </span>
                </p>
                <p className="text-xs text-zinc-500">
                  {a.state === 'firing' ? 'Firing' : 'Pending'} for{' '}
                  {formatDuration(now.getTime() - a.since.getTime())}, since <TimeUtc date={a.since} /> UTC
                  {a.lastNotifiedAt ? (
                    <>
                      {' '}
                      · last notified <TimeUtc date={a.lastNotifiedAt} /> UTC
                    </>
                  ) : null}
                </p>
                {a.acknowledgedAt ? (
                  <p
                    className="text-xs text-emerald-700 dark:text-emerald-400"
                    data-testid="alert-acknowledged"
                  >
                    Acknowledged by {a.acknowledgedBy ?? 'someone'} at <TimeUtc date={a.acknowledgedAt} /> UTC
                  </p>
                ) : null}
                {a.silencedUntil ? (
                  <p className="text-xs text-sky-700 dark:text-sky-400" data-testid="alert-silenced">
                    Silenced until <TimeUtc date={a.silencedUntil} /> UTC (for{' '}
                    {formatDuration(a.silencedUntil.getTime() - now.getTime())})
                  </p>
                ) : null}
              </div>
              {a.state === 'firing' && !a.acknowledgedAt ? (
                <ButtonAcknowledge projectId={project.id} ruleId={a.ruleId} groupKey={a.groupKey} />
              ) : null}
              {isAdmin ? (
                <ToggleSilence
                  projectId={project.id}
                  target={{ ruleId: a.ruleId, groupKey: a.groupKey }}
                  {...endBounds}
                />
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
