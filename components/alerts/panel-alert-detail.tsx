import Link from 'next/link';
import { TimeUtc } from '@/components/ui/time-utc';
import { CardPanel, EmptyPanel } from '@/components/dashboard/card-panel';
import type { AlertDetail } from '@/lib/alerts/view/queries';
import type { MetricSeries } from '@/lib/alerts/inputs/metric-series';
import type { ChartWindow } from '@/lib/alerts/view/chart-range';
import {
  conditionSummary,
  formatAlertThreshold,
  formatAlertValue,
  groupLabel,
  ruleMetricLabel,
  ruleUnit,
} from '@/lib/alerts/view/format';
import { formatDuration } from '@/lib/format';
import { BadgeSeverity } from './badge-severity';
import { BadgeState } from './badge-state';
import { ButtonAcknowledge } from './button-acknowledge';
import { ChartAlertMetric } from './chart-alert-metric';
import { ListTransitions } from './list-transitions';
import { ToggleSilence } from './toggle-silence';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

type Props = {
  project: { id: string; slug: string };
  detail: AlertDetail;
  groupKey: string;
  series: MetricSeries;
  window: ChartWindow;
  silencedUntil: Date | null;
  isAdmin: boolean;
  now: Date;
  endBounds: { minEnd: string; maxEnd: string };
};

/** One alert (rule + group): what the rule says, where it stands, its metric around the firing, and its history. */
export function PanelAlertDetail({
  project,
  detail,
  groupKey,
  series,
  window,
  silencedUntil,
  isAdmin,
  now,
  endBounds,
}: Props) {
  const { rule, instance } = detail;
  const group = groupLabel(rule, groupKey);
  const firing = detail.transitions.find((t) => t.toState === 'firing');
  const thresholdValue = firing?.threshold ?? instance?.threshold ?? null;
  const threshold =
    thresholdValue === null
      ? null
      : { value: thresholdValue, label: `threshold ${formatAlertThreshold(rule, thresholdValue, 'firing')}` };
  return (
    <div className="space-y-4" data-testid="alert-detail">
      <Link
        href={`/alerts?project=${encodeURIComponent(project.slug)}`}
        className="text-sm text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
      >
        ← All alerts
      </Link>
      <section className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 className="flex flex-wrap items-center gap-2 text-base font-semibold">
          <BadgeSeverity severity={rule.severity} />
          {rule.name}
          {instance ? <BadgeState state={instance.state} /> : null}
          {group ? <span className="font-mono text-xs font-normal text-zinc-500">{group}</span> : null}
          {rule.enabled ? null : (
            <span className="text-xs font-normal text-amber-700 dark:text-amber-400">rule disabled</span>
          )}
        </h2>
        {rule.description ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{rule.description}</p>
        ) : null}
        <p className="text-sm">
          <span className="text-zinc-500">Condition:</span> {conditionSummary(rule)}
        </p>
        {instance ? (
          <div className="space-y-1 text-sm">
            <p>
              <span className="text-zinc-500">Last value:</span>{' '}
              <span className="font-semibold tabular-nums">{formatAlertValue(rule, instance.value)}</span>{' '}
              <span className="text-zinc-500">
                threshold {formatAlertThreshold(rule, instance.threshold, instance.state)}
              </span>
              <span className="text-xs text-zinc-500">
                {' '}
                · evaluated <TimeUtc date={instance.lastEvaluatedAt} /> UTC
              </span>
            </p>
            <p className="text-xs text-zinc-500">
              {instance.state.replace('_', ' ')} for{' '}
              {formatDuration(now.getTime() - instance.since.getTime())}, since{' '}
              <TimeUtc date={instance.since} /> UTC
            </p>
            {instance.acknowledgedAt ? (
              <p className="text-xs text-emerald-700 dark:text-emerald-400" data-testid="alert-acknowledged">
                Acknowledged by {instance.acknowledgedBy ?? 'someone'} at{' '}
                <TimeUtc date={instance.acknowledgedAt} /> UTC
              </p>
            ) : null}
            {silencedUntil ? (
              <p className="text-xs text-sky-700 dark:text-sky-400" data-testid="alert-silenced">
                Silenced until <TimeUtc date={silencedUntil} /> UTC
              </p>
            ) : null}
          </div>
        ) : (
          <p className="text-sm text-zinc-500">No evaluation recorded for this group yet.</p>
        )}
        <div className="flex flex-wrap items-start gap-2 pt-1">
          {instance?.state === 'firing' && !instance.acknowledgedAt ? (
            <ButtonAcknowledge projectId={project.id} ruleId={rule.id} groupKey={groupKey} />
          ) : null}
          {isAdmin ? (
            <ToggleSilence projectId={project.id} target={{ ruleId: rule.id, groupKey }} {...endBounds} />
          ) : null}
        </div>
      </section>
      <CardPanel title={`${capitalize(ruleMetricLabel(rule))} around the alert`} subtitle={series.method}>
        {series.points.length > 0 ? (
          <ChartAlertMetric
            points={series.points}
            from={series.from}
            to={series.to}
            bucketMs={series.bucketMs}
            unit={ruleUnit(rule)}
            label={ruleMetricLabel(rule)}
            threshold={threshold}
            firedAt={window.firedAt?.getTime() ?? null}
            resolvedAt={window.resolvedAt?.getTime() ?? null}
          />
        ) : (
          <EmptyPanel>No data to chart for this range.</EmptyPanel>
        )}
      </CardPanel>
      <CardPanel
        title="Transitions and notifications"
        subtitle="Newest first; each firing and resolution lists its deliveries and every attempt's outcome."
      >
        <ListTransitions rule={rule} transitions={detail.transitions} />
      </CardPanel>
    </div>
  );
}
