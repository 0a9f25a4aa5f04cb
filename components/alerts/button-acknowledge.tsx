'use client';

import { useActionState } from 'react';
import { acknowledgeAlertAction } from '@/app/(dashboard)/alerts/actions';
import { Button, FormMessage } from '@/components/ui/form-parts';

type Props = { projectId: string; ruleId: string; groupKey: string };

/** Stops repeat notifications of a firing alert; any signed-in user may. */
export function ButtonAcknowledge({ projectId, ruleId, groupKey }: Props) {
  const [state, action, pending] = useActionState(acknowledgeAlertAction, null);
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name="projectId" value={projectId} />
      <input type="hidden" name="ruleId" value={ruleId} />
      <input type="hidden" name="groupKey" value={groupKey} />
      <Button variant="quiet" pending={pending}>
        {pending ? 'Acknowledging…' : 'Acknowledge'}
      </Button>
      <div aria-live="polite">
        <FormMessage state={state && 'error' in state ? state : null} />
      </div>
    </form>
  );
}
