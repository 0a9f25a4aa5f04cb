import { forbidden, redirect } from 'next/navigation';
import { after, connection } from 'next/server';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/layout/app-shell';
import { PageAuthNotConfigured } from '@/components/layout/page-auth-not-configured';
import { describeError } from '@/db/errors';
import { mayEnter } from '@/lib/auth/access';
import { auditRefusal, auditSessionStart } from '@/lib/auth/members';
import { getAuthConfig, getViewer, type Viewer } from '@/lib/auth/viewer';
import { log } from '@/lib/log';
import { listVisibleProjects, type ProjectAccess } from '@/lib/projects/queries';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await connection();
  const config = getAuthConfig();
  if (config.mode === 'unconfigured') return <PageAuthNotConfigured problem={config.problem} />;
  const viewer = await getViewer();
  // The proxy already redirects signed-out requests; this covers a proxy matcher that missed a path.
  if (!viewer) redirect('/sign-in');
  if (!mayEnter(viewer)) {
    await auditRefusal(viewer, 'open the dashboards', 'no_access');
    forbidden();
  }
  after(() => auditSessionStart(viewer, 'dashboard'));
  return (
    <AppShell viewer={viewer} projects={await projectsOrNull(viewer)}>
      {children}
    </AppShell>
  );
}

/** The shell stays usable when the database is down; the page's own error boundary explains the rest. */
async function projectsOrNull(viewer: Viewer): Promise<ProjectAccess[] | null> {
  try {
    return await listVisibleProjects(viewer);
  } catch (error) {
    log.error('shell_projects_failed', { error: describeError(error) });
    return null;
  }
}
