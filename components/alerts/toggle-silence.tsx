'use client';

import { useState, type ComponentProps } from 'react';
import { Button } from '@/components/ui/form-parts';
import { FormSilence } from './form-silence';

/** A "Silence" button that opens the silence form of one alert in place, on a row of its own in a flex-wrap parent. */
export function ToggleSilence(props: ComponentProps<typeof FormSilence>) {
  const [open, setOpen] = useState(false);
  return (
    <div className="contents">
      <Button type="button" variant="quiet" onClick={() => setOpen((o) => !o)}>
        {open ? 'Cancel silence' : 'Silence'}
      </Button>
      {open ? (
        <div className="basis-full rounded-md border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-950">
          <FormSilence {...props} />
        </div>
      ) : null}
    </div>
  );
}
