'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { REFRESH_MS } from '@/components/dashboard/live-stats';

/** Re-renders the server page every 30 s while the tab is visible; says when its figures were read. */
export function RefreshLive({ renderedAt }: { renderedAt: string }) {
  const router = useRouter();
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, REFRESH_MS);
    return () => clearInterval(id);
  }, [router]);
  return (
    <p className="text-xs text-zinc-500" aria-live="polite">
      Updated <time dateTime={renderedAt}>{renderedAt.slice(11, 19)}</time> UTC · refreshes every 30 s
    </p>
  );
}
