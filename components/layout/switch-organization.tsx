'use client';

import { OrganizationSwitcher } from '@clerk/nextjs';

/**
 * Clerk's organization switcher; switching reloads the page so the server reads the new active organization.
 * The label and the current organization are rendered by the server, so they show even before clerk-js loads.
 */
export function SwitchOrganization({ orgId, known }: { orgId: string | null; known: boolean }) {
  return (
    <div data-testid="org-switcher" className="space-y-1">
      <span className="block px-1 text-[11px] font-semibold tracking-wider text-zinc-500 uppercase">
        Organization
      </span>
      <p className="truncate px-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="org-current">
        {orgId ?? 'None active'}
      </p>
      {orgId && !known ? (
        <p className="px-1 text-[11px] text-amber-700 dark:text-amber-400" data-testid="org-unknown">
          Owns no project here yet: it grants no access until an installation admin gives it one.
        </p>
      ) : null}
      <OrganizationSwitcher
        hidePersonal={false}
        afterSelectOrganizationUrl="/"
        afterSelectPersonalUrl="/"
        afterCreateOrganizationUrl="/"
      />
    </div>
  );
}
