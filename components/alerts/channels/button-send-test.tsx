'use client';

import { useActionState } from 'react';
import { testChannelAction } from '@/app/(dashboard)/alerts/channels/actions';
import { Button } from '@/components/ui/form-parts';

/**
 * Sends a test notification now. Renders the button and, on a line of its own in a flex-wrap parent,
 * the outcome: the receiver's status and the time taken, never what it wrote back.
 */
export function ButtonSendTest({ projectId, channelId }: { projectId: string; channelId: string }) {
  const [state, formAction, pending] = useActionState(testChannelAction, null);
  const test = state && 'test' in state ? state.test : null;
  const failed = (state && 'error' in state) || (test && !test.ok);
  const message = state ? ('error' in state ? state.error : state.ok) : null;
  // A success message already says how long it took.
  const timing = test && !test.ok ? ` (${test.durationMs} ms)` : '';
  return (
    <>
      <form action={formAction}>
        <input type="hidden" name="projectId" value={projectId} />
        <input type="hidden" name="channelId" value={channelId} />
        <Button variant="quiet" pending={pending}>
          {pending ? 'Sending…' : 'Send test'}
        </Button>
      </form>
      <div
        aria-live="polite"
        className="order-last basis-full text-xs break-words empty:hidden md:text-right"
      >
        {message && !pending ? (
          <p
            role={failed ? 'alert' : 'status'}
            data-testid="test-outcome"
            className={failed ? 'text-rose-700 dark:text-rose-400' : 'text-emerald-700 dark:text-emerald-400'}
          >
            {message}
            {timing}
          </p>
        ) : null}
      </div>
    </>
  );
}
