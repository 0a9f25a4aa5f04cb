'use client';

import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

export const REFRESH_MS = 30_000;

/** Refetches the dashboard's read API every 30 s while the tab is visible, starting from the server's data. */
export function useLiveStats<T>(dashboard: string, query: Record<string, string>, initialData: T) {
  const search = new URLSearchParams(query).toString();
  const result = useQuery({
    queryKey: ['stats', dashboard, search],
    queryFn: async (): Promise<T> => {
      const res = await fetch(`/api/v1/stats/${dashboard}?${search}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`refresh failed (${res.status})`);
      return (await res.json()) as T;
    },
    initialData,
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
    staleTime: REFRESH_MS,
  });
  return { ...result, data: result.data ?? initialData };
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

/** A quiet line under the toolbar: when the figures were fetched, and whether the last refresh failed. */
export function LiveStatus({ updatedAt, error, fetching }: { updatedAt: number; error: Error | null; fetching: boolean }) {
  // The server and the browser each stamp their own fetch time: only this text may differ at hydration.
  const time = (
    <time suppressHydrationWarning dateTime={new Date(updatedAt).toISOString()}>
      {new Date(updatedAt).toISOString().slice(11, 19)}
    </time>
  );
  return (
    <p className="text-xs text-zinc-500" aria-live="polite">
      {error ? (
        <span className="text-rose-600">
          Live refresh failed ({error.message}); showing figures from {time} UTC.
        </span>
      ) : (
        <>
          Updated {time} UTC · refreshes every 30 s{fetching ? ' · refreshing…' : ''}
        </>
      )}
    </p>
  );
}

export function PageHeader({ title, description, children }: { title: string; description: string; children?: ReactNode }) {
  return (
    <header className="space-y-3">
      <div>
        <h1 className="text-xl font-semibold">{title}</h1>
        <p className="text-sm text-zinc-500">{description}</p>
      </div>
      {children}
    </header>
  );
}
