import type { AuthMode } from '@/lib/auth/mode';

const MESSAGES: Partial<Record<AuthMode, { title: string; detail: string }>> = {
  local: {
    title: 'Local development mode',
    detail: 'You are signed in as a local admin without authentication. Set the Clerk keys to require sign-in.',
  },
  none: {
    title: 'Authentication is off (AUTH_MODE=none)',
    detail: 'Anyone who can reach this server sees the dashboards and has admin rights.',
  },
};

export function BannerAuthMode({ mode }: { mode: AuthMode }) {
  const message = MESSAGES[mode];
  if (!message) return null;
  return (
    <div role="status" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 sm:px-6 lg:px-8 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
      <strong className="font-semibold">{message.title}.</strong> {message.detail}
    </div>
  );
}
