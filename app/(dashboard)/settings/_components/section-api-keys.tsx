import { CardPanel } from '@/components/dashboard/card-panel';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import { API_KEY_SCOPES } from '@/db/schema';
import type { ApiKeyRow } from '@/lib/settings/queries';
import { revokeApiKeyAction } from '../actions';
import { ButtonConfirmAction } from '@/components/ui/button-confirm-action';
import { FormCreateApiKey } from './form-create-api-key';
import { AdminNote } from '@/components/ui/form-parts';
import { TimeUtc } from '@/components/ui/time-utc';

const BADGE = 'rounded px-1.5 py-0.5 text-[11px] font-medium';

type Props = { projectId: string; projectName: string; keys: ApiKeyRow[]; isAdmin: boolean };

export function SectionApiKeys({ projectId, projectName, keys, isAdmin }: Props) {
  const columns: Column<ApiKeyRow>[] = [
    { key: 'name', label: 'Name', render: (k) => <span className="font-medium">{k.name}</span> },
    {
      key: 'prefix',
      label: 'Key',
      render: (k) => <code className="font-mono text-xs whitespace-nowrap">{k.prefix}…</code>,
    },
    {
      key: 'scopes',
      label: 'Scopes',
      render: (k) => (
        <span className="flex flex-wrap items-center gap-1">
          {k.kind === 'browser' ? (
            <span className={`${BADGE} bg-sky-50 text-sky-700 dark:bg-sky-950 dark:text-sky-300`}>
              browser
            </span>
          ) : null}
          {k.scopes.map((scope) => (
            <span
              key={scope}
              className={`${BADGE} bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300`}
            >
              {scope}
            </span>
          ))}
          {k.kind === 'browser' && k.allowedOrigins?.length ? (
            <span className="text-xs text-zinc-500" title="Allowed origins">
              from {k.allowedOrigins.join(', ')}
            </span>
          ) : null}
        </span>
      ),
    },
    { key: 'created', label: 'Created (UTC)', render: (k) => <TimeUtc date={k.createdAt} /> },
    { key: 'used', label: 'Last used', render: (k) => <TimeUtc date={k.lastUsedAt} /> },
    {
      key: 'status',
      label: 'Status',
      render: (k) =>
        k.revokedAt ? (
          <span
            className={`${BADGE} whitespace-nowrap bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400`}
          >
            revoked <TimeUtc date={k.revokedAt} />
          </span>
        ) : (
          <span
            className={`${BADGE} bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300`}
          >
            active
          </span>
        ),
    },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      label: '',
      align: 'right',
      render: (k) =>
        k.revokedAt ? null : (
          <ButtonConfirmAction
            action={revokeApiKeyAction}
            fields={{ projectId, keyId: k.id }}
            label="Revoke"
            question={`Revoke “${k.name}”? Clients using it get 401.`}
            confirmLabel="Revoke key"
          />
        ),
    });
  }
  return (
    <CardPanel
      title="API keys"
      subtitle={`Keys that send events to or read figures of ${projectName}. A key is shown once, when it is created. Browser keys are public: they sit in web pages and only send page views, web vitals, client errors and feedback from their allowed origins.`}
    >
      <TableSimple rows={keys} columns={columns} empty="No API keys yet." rowKey={(k) => k.id} />
      <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
        {isAdmin ? (
          <FormCreateApiKey projectId={projectId} scopes={API_KEY_SCOPES} />
        ) : (
          <AdminNote>Ask an admin to create or revoke API keys.</AdminNote>
        )}
      </div>
    </CardPanel>
  );
}
