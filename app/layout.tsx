import { ClerkProvider } from '@clerk/nextjs';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { THEME_INIT_SCRIPT } from '@/components/layout/theme';
import { getAuthConfig } from '@/lib/auth/viewer';
import { env } from '@/lib/env';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Chatwatch', template: '%s · Chatwatch' },
  description: 'Self-hosted monitoring for AI chat applications: user experience, AI performance, system status, alerts.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  const body = (
    <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">{children}</body>
  );
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      {getAuthConfig().mode === 'clerk' ? (
        // The key is read at runtime, so the server's own env wins over the one inlined at build time.
        <ClerkProvider publishableKey={env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY} signInUrl="/sign-in">
          {body}
        </ClerkProvider>
      ) : (
        body
      )}
    </html>
  );
}
