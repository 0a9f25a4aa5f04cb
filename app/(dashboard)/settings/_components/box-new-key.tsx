'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/ui/form-parts';

/** The one and only display of a new key's secret. */
export function BoxNewKey({
  name,
  secret,
  browser = false,
  onDismiss,
}: {
  name: string;
  secret: string;
  /** A browser key: public, shown with the snippet that loads the browser script with it. */
  browser?: boolean;
  onDismiss: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'manual'>('idle');

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      // Clipboard access needs a secure context (https or localhost): leave the key selected instead.
      input.current?.select();
      setCopy('manual');
    }
  }

  return (
    <div
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-700/70 dark:bg-amber-950/40"
      data-testid="new-api-key"
    >
      <p className="text-sm font-medium text-amber-900 dark:text-amber-200">
        Copy the key “{name}” now: it will not be shown again. Only its hash is stored.
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          ref={input}
          readOnly
          value={secret}
          aria-label="New API key"
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-2.5 py-1.5 font-mono text-xs text-zinc-900 dark:border-amber-800 dark:bg-zinc-950 dark:text-zinc-100"
        />
        <div className="flex gap-2">
          <Button type="button" onClick={copyKey}>
            {copy === 'copied' ? 'Copied' : 'Copy'}
          </Button>
          <Button type="button" variant="quiet" onClick={onDismiss}>
            I saved it
          </Button>
        </div>
      </div>
      {browser ? <BrowserSnippet secret={secret} /> : null}
      {copy === 'manual' ? (
        <p className="text-xs text-amber-900 dark:text-amber-200">
          The browser blocked the clipboard: the key is selected, press Ctrl+C or ⌘C.
        </p>
      ) : null}
    </div>
  );
}

/** What to paste into the pages: the script served by this dashboard, with the new browser key. */
function BrowserSnippet({ secret }: { secret: string }) {
  const snippet = `<script src="${window.location.origin}/chatwatch.js" data-key="${secret}" defer></script>`;
  return (
    <div className="space-y-1">
      <p className="text-xs text-amber-900 dark:text-amber-200">
        Paste this into the pages of the allowed origins (before &lt;/head&gt;). It reports page views, Core
        Web Vitals and uncaught errors; <code>window.chatwatch.track(...)</code> sends feedback.
      </p>
      <pre
        className="overflow-x-auto rounded-md border border-amber-300 bg-white p-2 font-mono text-xs text-zinc-900 dark:border-amber-800 dark:bg-zinc-950 dark:text-zinc-100"
        data-testid="browser-snippet"
      >
        {snippet}
      </pre>
    </div>
  );
}
