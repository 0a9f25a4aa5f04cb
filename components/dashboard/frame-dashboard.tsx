import type { ReactNode } from 'react';
import type { DashboardContext } from '@/lib/dashboard/context';
import type { FilterOptions } from '@/lib/metrics/types';
import { PageHeader } from './live-stats';
import { ToolbarRange } from './toolbar-range';

type Props = { title: string; description: string; ctx: DashboardContext; options: FilterOptions; showModel?: boolean; children: ReactNode };

/** Title, range picker and filters above a dashboard, and a note when the URL asked for something invalid. */
export function FrameDashboard({ title, description, ctx, options, showModel, children }: Props) {
  return (
    <div className="space-y-6">
      <PageHeader title={title} description={description}>
        <ToolbarRange
          preset={ctx.range.preset}
          from={ctx.range.from.toISOString()}
          to={ctx.range.to.toISOString()}
          filters={ctx.filters}
          options={options}
          showModel={showModel}
        />
      </PageHeader>
      {ctx.problem && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
          {ctx.problem}
        </p>
      )}
      {children}
    </div>
  );
}

export function EmptyRange({ what }: { what: string }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700" data-testid="empty-state">
      <p className="font-medium">No events in this range</p>
      <p className="mx-auto mt-1 max-w-md text-sm text-zinc-500">
        {what} appear here once your chat app sends events to <code>POST /api/v1/events</code>. Pick a longer range, or see
        Settings for an API key.
      </p>
      <pre className="mx-auto mt-4 max-w-xl overflow-x-auto rounded bg-zinc-100 p-3 text-left text-xs dark:bg-zinc-900">{`curl -X POST $URL/api/v1/events \\
  -H "Authorization: Bearer $API_KEY" -H "Content-Type: application/json" \\
  -d '{"events":[{"type":"ai.call","model":"claude-sonnet-4-5","durationMs":1200}]}'`}</pre>
    </div>
  );
}

export function NoProject() {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700" data-testid="empty-state">
      <p className="font-medium">No project yet</p>
      <p className="mt-1 text-sm text-zinc-500">
        None is shared with you yet. An admin creates one under Settings (an organization admin, for the active
        organization), or sets <code>INIT_API_KEY</code> and restarts; <code>npm run dev</code> has demo data.
      </p>
    </div>
  );
}
