import { Suspense, type ReactNode } from 'react';
import type { Viewer } from '@/lib/auth/viewer';
import type { ProjectSummary } from '@/lib/projects/queries';
import { BannerAuthMode } from './banner-auth-mode';
import { CardViewer } from './card-viewer';
import { FormSignOut } from './form-sign-out';
import { Icon } from './icons';
import { NavLinks } from './nav-links';
import { SelectProject } from './select-project';
import { SwitchOrganization } from './switch-organization';
import { ShellFrame } from './shell-frame';
import { ToggleTheme } from './toggle-theme';

/** The frame of every dashboard page: navigation, project, theme, the viewer and the auth-mode banner. */
export function AppShell({
  viewer,
  projects,
  children,
}: {
  viewer: Viewer;
  projects: ProjectSummary[] | null;
  children: ReactNode;
}) {
  const sidebar = (
    <>
      <div className="flex h-14 items-center gap-2 border-b border-zinc-200 px-5 font-semibold tracking-tight dark:border-zinc-800">
        <Icon name="logo" className="size-5 text-emerald-600 dark:text-emerald-400" />
        Chatwatch
      </div>
      <div className="flex-1 space-y-6 overflow-y-auto px-3 py-4">
        {viewer.mode === 'clerk' ? <SwitchOrganization orgId={viewer.activeOrgId} known={viewer.orgId !== null} /> : null}
        <Suspense>
          <SelectProject projects={projects} />
          <NavLinks />
        </Suspense>
      </div>
      <div className="space-y-3 border-t border-zinc-200 p-4 dark:border-zinc-800">
        <CardViewer viewer={viewer} />
        <div className="flex items-center justify-between gap-2">
          <ToggleTheme />
          {viewer.mode === 'clerk' ? <FormSignOut /> : null}
        </div>
      </div>
    </>
  );
  return (
    <ShellFrame sidebar={sidebar} banner={<BannerAuthMode mode={viewer.mode} />}>
      {children}
    </ShellFrame>
  );
}
