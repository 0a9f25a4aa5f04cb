import { signOut } from '@/lib/auth/sign-out';
import { Icon } from './icons';

/** A plain form posting a server action: it works even when clerk-js cannot load. */
export function FormSignOut() {
  return (
    <form action={signOut}>
      <button
        type="submit"
        className="flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <Icon name="signOut" className="size-4" />
        Sign out
      </button>
    </form>
  );
}
