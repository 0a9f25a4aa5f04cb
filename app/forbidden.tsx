import type { Metadata } from 'next';
import { PageNoAccess } from '@/components/layout/page-no-access';
import { getViewer } from '@/lib/auth/viewer';

export const metadata: Metadata = { title: 'No access' };

/** Rendered with status 403 wherever `forbidden()` is called: the dashboards for a signed-in stranger. */
export default async function Forbidden() {
  const viewer = await getViewer().catch(() => null);
  return <PageNoAccess who={viewer ? (viewer.email ?? null) : null} canSignOut={viewer?.mode === 'clerk'} />;
}
