import { runHealthChecks } from '@/lib/health/run-health-checks';
import { CHECK_NAMES, type CheckName } from '@/lib/health/status';

const LABELS: Record<CheckName, string> = { database: 'Database', cache: 'KV cache', ai: 'Claude API', auth: 'Clerk' };

/** Dependency status now, from the same probes as /api/health; streamed in so a slow probe never blocks the page. */
export async function CardDependencies() {
  const report = await runHealthChecks();
  return (
    <section aria-label="Dependencies" className="grid grid-cols-2 gap-3 md:grid-cols-4">
      {CHECK_NAMES.map((name) => {
        const detail = report.details[name];
        const tone =
          detail.state === 'ok'
            ? 'bg-emerald-500'
            : detail.state === 'fail'
              ? 'bg-rose-500'
              : 'bg-zinc-400';
        return (
          <div key={name} className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900" data-testid={`dependency-${name}`}>
            <p className="flex items-center gap-2 text-sm font-medium">
              <span className={`inline-block size-2.5 rounded-full ${tone}`} aria-hidden />
              {LABELS[name]}
              <span className="ml-auto text-xs font-normal text-zinc-500">
                {detail.state === 'ok' ? 'up' : detail.state === 'fail' ? 'down' : 'not configured'}
              </span>
            </p>
            <p className="mt-1 text-xs text-zinc-500">
              {detail.state === 'ok' ? `${report.latency[name] ?? '–'} ms` : detail.reason}
            </p>
          </div>
        );
      })}
    </section>
  );
}
