import { STATE_WORDS, type AppStatus, type ComponentState, type DependencyStatus } from '@/lib/status/model';
import { barTitle, UPTIME_DAYS } from '@/lib/status/uptime';
import { BAR, DOT, STATE_TEXT } from './tones';

const ROW = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';

function StateLabel({ state }: { state: ComponentState }) {
  return (
    <span
      className={`ml-auto flex items-center gap-1.5 text-sm font-medium ${STATE_TEXT[state]}`}
      data-state={state}
    >
      <span className={`inline-block size-2.5 rounded-full ${DOT[state]}`} aria-hidden />
      {STATE_WORDS[state]}
    </span>
  );
}

/** The chat app: its state from errors and response times of the last 15 minutes; no figure, no threshold. */
export function RowChatApp({ app }: { app: AppStatus }) {
  return (
    <li className={ROW} data-testid="status-app">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-medium">Chat app</h3>
        <StateLabel state={app.state} />
      </div>
      <p className="mt-1 text-xs text-zinc-500">
        {app.state === 'unknown'
          ? 'Not enough traffic in the last 15 minutes to judge.'
          : 'Judged on errors and response times over the last 15 minutes.'}
      </p>
    </li>
  );
}

/** A dependency: its state now and one bar per UTC day over the last 90 days, oldest left. */
export function RowDependency({ dep }: { dep: DependencyStatus }) {
  return (
    <li className={ROW} data-testid={`status-dependency-${dep.dependency}`}>
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-medium">{dep.label}</h3>
        <StateLabel state={dep.state} />
      </div>
      <div
        className="mt-3 flex h-8 gap-px"
        role="img"
        aria-label={`${dep.label}: health checks per day over the last ${UPTIME_DAYS} days`}
      >
        {dep.days.map((day) => (
          <span
            key={day.day}
            title={barTitle(day)}
            data-testid="uptime-bar"
            data-day={day.day}
            data-tone={day.tone}
            className={`h-full min-w-0 flex-1 rounded-[2px] ${BAR[day.tone]}`}
          />
        ))}
      </div>
      <div className="mt-1.5 flex items-center justify-between text-[11px] text-zinc-500">
        <span>{UPTIME_DAYS} days ago</span>
        <span>Today</span>
      </div>
    </li>
  );
}
