'use client';

import { useActionState } from 'react';
import { endSilenceAction } from '@/app/(dashboard)/alerts/actions';
import { Button, FormMessage } from '@/components/ui/form-parts';

/** Ends a silence at once; notifications of what it covered resume on the next cron run. */
export function ButtonEndSilence({ projectId, silenceId }: { projectId: string; silenceId: string }) {
  const [state, action, pending] = useActionState(endSilenceAction, null);
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="projectId" value={projectId} />
      <input type="hidden" name="silenceId" value={silenceId} />
      <Button variant="quiet" pending={pending}>
        {pending ? 'Ending…' : 'End now'}
      </Button>
      <FormMessage state={state && 'error' in state ? state : null} />
    </form>
  );
}
