import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/layout/app-shell';
import { PageAuthNotConfigured } from '@/components/layout/page-auth-not-configured';
import { describeError } from '@/db/errors';
import { getAuthConfig, getViewer } from '@/lib/auth/viewer';
import { listProjects, type ProjectSummary } from '@/lib/projects/queries';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await connection();
  const config = getAuthConfig();
  if (config.mode === 'unconfigured') return <PageAuthNotConfigured problem={config.problem} />;
  const viewer = await getViewer();
  // The proxy already redirects signed-out requests; this covers a proxy matcher that missed a path.
  if (!viewer) redirect('/sign-in');
  return (
    <AppShell viewer={viewer} projects={await projectsOrNull()}>
      {children}
    </AppShell>
  );
}

/** The shell stays usable when the database is down; the page's own error boundary explains the rest. */
async function projectsOrNull(): Promise<ProjectSummary[] | null> {
  try {
    return await listProjects();
  } catch (error) {
    console.error(
      JSON.stringify({ level: 'error', event: 'shell_projects_failed', error: describeError(error) }),
    );
    return null;
  }
}
