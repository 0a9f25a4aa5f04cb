import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { resolveAuthConfig } from '@/lib/auth/mode';
import { env } from '@/lib/env';
import { errorBody } from '@/lib/http/errors';

const isPublicPage = createRouteMatcher(['/sign-in(.*)', '/status(.*)']);
const isApi = createRouteMatcher(['/api(.*)']);

const clerk =
  resolveAuthConfig(env).mode === 'clerk'
    ? clerkMiddleware(
        async (auth, request) => {
          // Route handlers answer 401 JSON themselves; a redirect would break API clients and cron.
          if (isApi(request) || isPublicPage(request)) return;
          const { userId, redirectToSignIn } = await auth();
          if (!userId) return redirectToSignIn({ returnBackUrl: request.url });
        },
        {
          publishableKey: env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
          jwtKey: env.CLERK_JWT_KEY,
          signInUrl: '/sign-in',
        },
      )
    : null;

/** Clerk sessions for the dashboards; without Clerk keys the app decides (local user, AUTH_MODE=none, or refusal). */
export default async function proxy(request: NextRequest, event: NextFetchEvent) {
  if (!clerk) return NextResponse.next();
  const response = await clerk(request, event);
  // Clerk answers an expired cookie on a document request with a handshake redirect, even for API paths.
  if (isApi(request) && response?.headers.has('location')) {
    return NextResponse.json(errorBody('unauthorized', 'The session expired: reload the dashboard to refresh it, or sign in again.'), {
      status: 401,
      headers: { 'Cache-Control': 'no-store' },
    });
  }
  return response;
}

export const config = {
  matcher: [
    // Everything but Next internals, static files and the machine-facing APIs (ingest, health, cron).
    '/((?!_next|api/v1/events|api/health|api/cron|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest|txt|xml)).*)',
    '/(api(?!/v1/events|/health|/cron))(.*)',
  ],
};
