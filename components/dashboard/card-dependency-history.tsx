import { CardPanel, EmptyPanel } from '@/components/dashboard/card-panel';
import { formatMs, formatPercent } from '@/lib/format';
import { getHealthHistory } from '@/lib/health/queries';
import { UPTIME_WINDOWS, type HistorySlot, type SlotState } from '@/lib/health/history';
import type { CheckName } from '@/lib/health/status';
import { log } from '@/lib/log';

const LABELS: Record<CheckName, string> = {
  database: 'Database',
  cache: 'KV cache',
  ai: 'Claude API',
  auth: 'Clerk',
};
const SLOT_TONES: Record<SlotState, string> = {
  up: 'bg-emerald-500',
  down: 'bg-rose-500',
  partial: 'bg-amber-400',
  none: 'bg-zinc-200 dark:bg-zinc-700',
};
const SLOT_WORDS: Record<SlotState, string> = {
  up: 'up',
  down: 'down',
  partial: 'partly down',
  none: 'no checks',
};
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

function slotTitle(slot: HistorySlot): string {
  const span = `${time.format(new Date(slot.start))}–${time.format(new Date(slot.end))} UTC`;
  const checks = slot.state === 'none' ? '' : ` (${slot.ok} ok, ${slot.fail} failed)`;
  return `${span}: ${SLOT_WORDS[slot.state]}${checks}`;
}

/** Recorded dependency checks: uptime over three windows, median latency and a 24 h up/down strip. */
export async function CardDependencyHistory() {
  const history = await getHealthHistory(new Date()).catch((error: unknown) => {
    log.warn('health_history_failed', { error: String(error) });
    return null;
  });
  if (!history)
    return (
      <CardPanel title="Dependency history">
        <EmptyPanel>History is unavailable while the database cannot be read.</EmptyPanel>
      </CardPanel>
    );
  return (
    <CardPanel
      title="Dependency history"
      subtitle={`Uptime of recorded checks; strip covers the last 24 h in ${history.slots} slots, oldest left.`}
    >
      <ul className="space-y-3">
        {history.dependencies.map((dep) => (
          <li key={dep.dependency} data-testid={`health-history-${dep.dependency}`} className="space-y-1">
            <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1 text-sm">
              <span className="w-24 font-medium">{LABELS[dep.dependency]}</span>
              {UPTIME_WINDOWS.map((w) => {
                const value = dep.uptime[w];
                return (
                  <span key={w} className="text-xs text-zinc-500">
                    {w}{' '}
                    <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">
                      {value === null ? 'no data' : formatPercent(value)}
                    </span>
                  </span>
                );
              })}
              <span className="text-xs text-zinc-500">
                p50{' '}
                <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">
                  {dep.latencyP50Ms === null ? 'no data' : formatMs(dep.latencyP50Ms)}
                </span>
              </span>
            </div>
            <div
              className="flex gap-px"
              role="img"
              aria-label={`${LABELS[dep.dependency]} over the last 24 hours`}
            >
              {dep.strip.map((slot) => (
                <span
                  key={slot.start}
                  title={slotTitle(slot)}
                  data-state={slot.state}
                  className={`h-5 flex-1 rounded-sm ${SLOT_TONES[slot.state]}`}
                />
              ))}
            </div>
          </li>
        ))}
      </ul>
    </CardPanel>
  );
}
