import { CardPanel } from '@/components/dashboard/card-panel';
import { env } from '@/lib/env';
import { getStatusPageSettings } from '@/lib/status/queries';
import { setStatusFramingAction, setStatusPageAction } from '../actions';
import { ButtonConfirmAction } from '@/components/ui/button-confirm-action';
import { AdminNote } from '@/components/ui/form-parts';

const BADGE = 'rounded px-1.5 py-0.5 text-[11px] font-medium';

type Props = { project: { id: string; slug: string; name: string }; isAdmin: boolean };

/** The public, read-only status page of the selected project: whether it is on, its address, and the admin toggle. */
export async function SectionStatusPage({ project, isAdmin }: Props) {
  const settings = await getStatusPageSettings(project.id);
  const enabled = settings?.enabled ?? false;
  const framable = settings?.framable ?? false;
  const url = `${env.PUBLIC_URL.replace(/\/+$/, '')}/status/${project.slug}`;
  return (
    <CardPanel
      title="Public status page"
      subtitle={`A read-only page anyone can open without signing in: the state of ${project.name}'s dependencies and chat app in words, 90 days of dependency uptime as daily bars, and open and recent incidents by kind and severity. No figures, thresholds, rule or model names, routes, keys or check errors.`}
    >
      <div className="flex flex-wrap items-center justify-between gap-3" data-testid="status-page-setting">
        <div className="min-w-0 space-y-1 text-sm">
          <p className="flex items-center gap-2">
            {enabled ? (
              <span
                className={`${BADGE} bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300`}
              >
                on
              </span>
            ) : (
              <span className={`${BADGE} bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400`}>
                off
              </span>
            )}
            {enabled ? 'Public at' : 'Not public: the address answers 404.'}
          </p>
          {enabled ? (
            <a
              href={url}
              target="_blank"
              rel="noreferrer"
              className="block font-mono text-xs break-all text-indigo-600 hover:underline dark:text-indigo-400"
              data-testid="status-page-url"
            >
              {url}
            </a>
          ) : null}
        </div>
        {isAdmin ? (
          <ButtonConfirmAction
            // A new key per state, so the confirmation closes once the page re-renders with the new state.
            key={String(enabled)}
            action={setStatusPageAction}
            fields={{ projectId: project.id, enabled: String(!enabled) }}
            label={enabled ? 'Turn off status page' : 'Turn on status page'}
            question={
              enabled
                ? 'Take the public status page down? Its address will answer 404.'
                : `Anyone with the address will see the status of ${project.name}. Publish it?`
            }
            confirmLabel={enabled ? 'Turn off' : 'Publish'}
          />
        ) : null}
      </div>
      {enabled ? (
        <div
          className="mt-4 flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 pt-4 text-sm dark:border-zinc-800"
          data-testid="status-page-framing"
        >
          <p>
            {framable
              ? 'Other sites may embed this page in a frame.'
              : 'Other sites may not embed this page in a frame (the default).'}
          </p>
          {isAdmin ? (
            <ButtonConfirmAction
              key={`framing-${framable}`}
              action={setStatusFramingAction}
              fields={{ projectId: project.id, framable: String(!framable) }}
              label={framable ? 'Refuse embedding' : 'Allow embedding'}
              question={
                framable
                  ? 'Stop other sites from showing this status page in a frame?'
                  : 'Let any site show this status page in a frame (for example on your help center)?'
              }
              confirmLabel={framable ? 'Refuse' : 'Allow'}
            />
          ) : null}
        </div>
      ) : null}
      {isAdmin ? null : (
        <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <AdminNote>Ask an admin to turn the status page on or off.</AdminNote>
        </div>
      )}
    </CardPanel>
  );
}
