import Link from 'next/link';
import {
  deleteRuleAction,
  resetRuleAction,
  setRuleEnabledAction,
} from '@/app/(dashboard)/alerts/rules/actions';
import { ButtonConfirmAction } from '@/components/ui/button-confirm-action';
import { BadgeSeverity } from '@/components/alerts/badge-severity';
import { isDefaultKey } from '@/lib/alerts/rules/defaults';
import type { StoredRule } from '@/lib/alerts/rules/stored';
import { KIND_LABELS } from '@/lib/alerts/rules/constants';
import { formatFor, summarizeRule } from '@/lib/alerts/rules/summary';
import { BadgeEnabled, SwitchEnabled } from './switch-enabled';

const GRID_ADMIN = 'md:grid-cols-[minmax(0,1fr)_4rem_6.5rem_5rem_5.5rem_9rem]';
const GRID_VIEWER = 'md:grid-cols-[minmax(0,1fr)_4rem_6.5rem_5rem_5.5rem]';
const TAG = 'rounded px-1.5 py-0.5 text-[11px] font-medium';

type Props = {
  projectId: string;
  projectSlug: string;
  rules: StoredRule[];
  isAdmin: boolean;
  savedId: string | null;
};

/** Every rule of a project; admins switch, edit, reset (default rules) or delete (custom rules) them. */
export function ListRules({ projectId, projectSlug, rules, isAdmin, savedId }: Props) {
  const grid = isAdmin ? GRID_ADMIN : GRID_VIEWER;
  if (rules.length === 0)
    return (
      <p className="py-8 text-center text-sm text-zinc-500" data-testid="empty-state">
        No alert rules in this project.
        {isAdmin ? ' Add one, or restart the app to seed the default rules.' : ''}
      </p>
    );
  return (
    <div>
      <div
        aria-hidden
        className={`hidden gap-3 border-b border-zinc-200 px-2 pb-1.5 text-xs font-medium text-zinc-500 md:grid dark:border-zinc-800 ${grid}`}
      >
        <span>Rule and condition</span>
        <span>Severity</span>
        <span>Kind</span>
        <span>Fires</span>
        <span>Enabled</span>
        {isAdmin ? <span /> : null}
      </div>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
        {rules.map((r) => (
          <li
            key={r.id}
            aria-label={r.name}
            data-rule-key={r.key}
            className={`grid gap-2 px-2 py-3 md:items-center md:gap-3 ${grid} ${r.id === savedId ? 'bg-emerald-50/60 dark:bg-emerald-950/30' : ''} ${r.enabled ? '' : 'text-zinc-500'}`}
          >
            <div className="min-w-0">
              <div className="flex flex-wrap items-center gap-1.5">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{r.name}</span>
                <span
                  className={`${TAG} ${isDefaultKey(r.key) ? 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400' : 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300'}`}
                >
                  {isDefaultKey(r.key) ? 'default' : 'custom'}
                </span>
              </div>
              <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400" data-testid="rule-condition">
                {summarizeRule(r)}
              </p>
            </div>
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm md:contents">
              <span>
                <BadgeSeverity severity={r.severity} />
              </span>
              <span>{KIND_LABELS[r.kind]}</span>
              <span className="whitespace-nowrap" title="How long a breach must last before the alert fires">
                <span className="text-zinc-500 md:hidden">fires </span>
                {formatFor(r.forMs)}
              </span>
              <span>
                {isAdmin ? (
                  <SwitchEnabled
                    action={setRuleEnabledAction}
                    fields={{ projectId, ruleId: r.id }}
                    enabled={r.enabled}
                    label={`${r.name} enabled`}
                  />
                ) : (
                  <BadgeEnabled enabled={r.enabled} />
                )}
              </span>
            </div>
            {isAdmin ? <RuleActions rule={r} projectId={projectId} projectSlug={projectSlug} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function RuleActions({
  rule,
  projectId,
  projectSlug,
}: {
  rule: StoredRule;
  projectId: string;
  projectSlug: string;
}) {
  return (
    <div className="flex items-start gap-2 md:justify-end">
      <Link
        href={`/alerts/rules/${rule.id}?project=${encodeURIComponent(projectSlug)}`}
        aria-label={`Edit ${rule.name}`}
        className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        Edit
      </Link>
      {isDefaultKey(rule.key) ? (
        <ButtonConfirmAction
          action={resetRuleAction}
          fields={{ projectId, ruleId: rule.id }}
          label="Reset"
          question="Put this rule back as shipped? Enabled or not stays as it is."
          confirmLabel="Reset to default"
        />
      ) : (
        <ButtonConfirmAction
          action={deleteRuleAction}
          fields={{ projectId, ruleId: rule.id }}
          label="Delete"
          question="Delete this rule and its open alerts? Its history stays."
          confirmLabel="Delete rule"
        />
      )}
    </div>
  );
}
