import { FormSignOut } from './form-sign-out';
import { Icon } from './icons';

/** Served with status 403 to a signed-in user who may see no project; it names none. */
export function PageNoAccess({ who, canSignOut }: { who: string | null; canSignOut: boolean }) {
  return (
    <main className="grid min-h-screen place-items-center p-6">
      <div
        className="max-w-lg rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
        data-testid="no-access"
      >
        <p className="mb-4 flex items-center gap-2 font-semibold tracking-tight">
          <Icon name="logo" className="size-5 text-emerald-600 dark:text-emerald-400" />
          Chatwatch
        </p>
        <h1 className="text-xl font-semibold">No access yet</h1>
        <p className="mt-3 text-sm leading-6 text-zinc-600 dark:text-zinc-400">
          You are signed in{who ? ` as ${who}` : ''}, but nothing here is shared with you.
        </p>
        <ul className="mt-3 list-disc space-y-1 pl-5 text-sm leading-6 text-zinc-600 dark:text-zinc-400">
          <li>
            Ask an admin to invite you to their Clerk organization, then pick it as your active organization.
          </li>
          <li>
            Or ask whoever runs this installation to add your email to{' '}
            <code className="text-xs">VIEWER_EMAILS</code> (or <code className="text-xs">ADMIN_EMAILS</code>).
          </li>
        </ul>
        {canSignOut ? (
          <div className="mt-6">
            <FormSignOut />
          </div>
        ) : null}
      </div>
    </main>
  );
}
