import Link from 'next/link';
import { CardPanel } from '@/components/dashboard/card-panel';

/** Settings links to the audit log page, which only admins see. */
export function SectionAuditLink({ projectSlug }: { projectSlug: string }) {
  return (
    <CardPanel
      title="Audit log"
      subtitle="Admin changes, sign-ins, refused access, log searches and refused API keys, filtered by actor, action and time."
    >
      <Link
        href={`/settings/audit?project=${encodeURIComponent(projectSlug)}`}
        className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
      >
        Open the audit log
      </Link>
    </CardPanel>
  );
}
