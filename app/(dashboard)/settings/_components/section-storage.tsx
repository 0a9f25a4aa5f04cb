import { CardPanel } from '@/components/dashboard/card-panel';
import { env } from '@/lib/env';
import { formatBytes } from '@/lib/format';
import { getInstallationStorage, getProjectStorage, type StorageFigures } from '@/lib/retention/queries';

type Props = { project: { id: string; name: string }; showInstallation: boolean };

const KEPT = [
  ['Raw events', env.RETENTION_DAYS, 'RETENTION_DAYS'],
  ['Rollups (hourly activity, hour and day metrics)', env.ROLLUP_RETENTION_DAYS, 'ROLLUP_RETENTION_DAYS'],
  ['Health checks', env.HEALTH_RETENTION_DAYS, 'HEALTH_RETENTION_DAYS'],
  [
    'Alert history and notification deliveries',
    env.ALERT_HISTORY_RETENTION_DAYS,
    'ALERT_HISTORY_RETENTION_DAYS',
  ],
  ['Audit log', env.AUDIT_RETENTION_DAYS, 'AUDIT_RETENTION_DAYS'],
] as const;

const formatDay = (d: Date) =>
  d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';

/** How long data is kept, the oldest event still stored, and the disk raw events and rollups take. */
export async function SectionStorage({ project, showInstallation }: Props) {
  const [mine, all] = await Promise.all([
    getProjectStorage(project.id),
    showInstallation ? getInstallationStorage() : null,
  ]);
  return (
    <CardPanel
      title="Data retention and storage"
      subtitle="Older data is removed by the cron in small steps (or at once with npm run db:retention). A project's disk figures are estimates: its share of the rows times the tables' size."
    >
      <div className="grid gap-4 md:grid-cols-2">
        <table className="w-full text-sm" data-testid="retention-settings">
          <tbody>
            {KEPT.map(([label, days, variable]) => (
              <tr key={variable} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <td className="py-1.5 pr-3">{label}</td>
                <td className="py-1.5 text-right tabular-nums" title={variable}>
                  {days} days
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="space-y-3 text-sm">
          <Figures testId="storage-project" title={project.name} figures={mine} estimated />
          {all ? (
            <Figures
              testId="storage-installation"
              title={`Installation (${all.partitions} daily partitions)`}
              figures={all}
            />
          ) : null}
        </div>
      </div>
    </CardPanel>
  );
}

function Figures(props: { testId: string; title: string; figures: StorageFigures; estimated?: boolean }) {
  const { oldestEvent, rawBytes, rollupBytes } = props.figures;
  const approx = props.estimated ? '≈ ' : '';
  return (
    <div data-testid={props.testId}>
      <h3 className="text-xs font-medium text-zinc-500">{props.title}</h3>
      {oldestEvent === null ? (
        <p className="mt-1">No events stored yet.</p>
      ) : (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          <dt className="text-zinc-500">Oldest event kept</dt>
          <dd className="tabular-nums">{formatDay(oldestEvent)}</dd>
          <dt className="text-zinc-500">Raw events on disk</dt>
          <dd className="tabular-nums">{approx + formatBytes(rawBytes)}</dd>
          <dt className="text-zinc-500">Rollups on disk</dt>
          <dd className="tabular-nums">{approx + formatBytes(rollupBytes)}</dd>
        </dl>
      )}
    </div>
  );
}
