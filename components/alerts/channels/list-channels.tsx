import Link from 'next/link';
import { deleteChannelAction, setChannelEnabledAction } from '@/app/(dashboard)/alerts/channels/actions';
import { ButtonConfirmAction } from '@/components/ui/button-confirm-action';
import { BadgeSeverity } from '@/components/alerts/badge-severity';
import { BadgeEnabled, SwitchEnabled } from '@/components/alerts/rules/switch-enabled';
import type { AdminChannel } from '@/lib/alerts/channels/queries';
import { ButtonSendTest } from './button-send-test';
import { CHANNEL_TYPE_LABELS } from './labels';

const TAG = 'rounded px-1.5 py-0.5 text-[11px] font-medium';

type Props = {
  projectId: string;
  projectSlug: string;
  channels: AdminChannel[];
  isAdmin: boolean;
  savedId?: string | null;
  empty: string;
};

/** Channels with what may be shown of them (hosts, masked keys), and admin controls. */
export function ListChannels({ projectId, projectSlug, channels, isAdmin, savedId = null, empty }: Props) {
  if (channels.length === 0) return <p className="py-6 text-center text-sm text-zinc-500">{empty}</p>;
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
      {channels.map((c) => (
        <li
          key={c.id}
          aria-label={c.name}
          className={`grid gap-3 px-2 py-3 md:grid-cols-[minmax(0,1fr)_auto] md:items-start ${c.id === savedId ? 'bg-emerald-50/60 dark:bg-emerald-950/30' : ''}`}
        >
          <div className="min-w-0 space-y-1">
            <div className="flex flex-wrap items-center gap-1.5">
              <span className={`font-medium ${c.enabled ? '' : 'text-zinc-500'}`}>{c.name}</span>
              <span className={`${TAG} bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300`}>
                {CHANNEL_TYPE_LABELS[c.type]}
              </span>
              {c.source === 'env' ? (
                <span className={`${TAG} bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400`}>
                  from environment
                </span>
              ) : null}
            </div>
            <p className="text-sm break-all text-zinc-600 dark:text-zinc-400">
              <code className="font-mono text-xs" data-testid="channel-target">
                {c.view.target}
              </code>
              {c.view.details.map((d) => (
                <span key={d}> · {d}</span>
              ))}
            </p>
            <p className="flex flex-wrap items-center gap-1.5 text-xs text-zinc-500">
              <span>Receives</span>
              {c.severities.map((s) => (
                <BadgeSeverity key={s} severity={s} />
              ))}
              <span>· {c.sendResolved ? 'sends resolved' : 'no resolved notices'}</span>
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2 md:max-w-[26rem] md:justify-end">
            {c.source === 'settings' ? (
              isAdmin ? (
                <SwitchEnabled
                  action={setChannelEnabledAction}
                  fields={{ projectId, channelId: c.id }}
                  enabled={c.enabled}
                  label={`${c.name} enabled`}
                />
              ) : (
                <BadgeEnabled enabled={c.enabled} />
              )
            ) : null}
            {isAdmin ? <ButtonSendTest projectId={projectId} channelId={c.id} /> : null}
            {isAdmin && c.source === 'settings' ? (
              <>
                <Link
                  href={`/alerts/channels/${c.id}?project=${encodeURIComponent(projectSlug)}`}
                  className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
                >
                  Edit
                </Link>
                <ButtonConfirmAction
                  action={deleteChannelAction}
                  fields={{ projectId, channelId: c.id }}
                  label="Delete"
                  question="Delete this channel? Alerts stop going to it; its past deliveries stay."
                  confirmLabel="Delete channel"
                />
              </>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
