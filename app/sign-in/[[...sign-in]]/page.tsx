import { ClerkFailed, ClerkLoading, SignIn } from '@clerk/nextjs';
import { auth } from '@clerk/nextjs/server';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Icon } from '@/components/layout/icons';
import { PageAuthNotConfigured } from '@/components/layout/page-auth-not-configured';
import { getAuthConfig } from '@/lib/auth/viewer';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage() {
  const config = getAuthConfig();
  if (config.mode === 'unconfigured') return <PageAuthNotConfigured problem={config.problem} />;
  if (config.mode !== 'clerk') redirect('/');
  const { userId } = await auth();
  if (userId) redirect('/');
  return (
    <main className="grid min-h-screen place-items-center p-6">
      <div className="flex w-full max-w-md flex-col items-center gap-6">
        <div className="text-center">
          <p className="flex items-center justify-center gap-2 font-semibold tracking-tight">
            <Icon name="logo" className="size-6 text-emerald-600 dark:text-emerald-400" />
            Chatwatch
          </p>
          <h1 className="mt-4 text-2xl font-semibold">Sign in to Chatwatch</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">The dashboards of your AI chat app are behind your team&apos;s login.</p>
        </div>
        <ClerkLoading>
          <p role="status" className="text-sm text-zinc-500">
            Loading the sign-in form…
          </p>
        </ClerkLoading>
        <ClerkFailed>
          <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
            The sign-in form could not load from Clerk. Check that this browser can reach your Clerk instance, then reload.
          </p>
        </ClerkFailed>
        <SignIn routing="path" path="/sign-in" />
      </div>
    </main>
  );
}
