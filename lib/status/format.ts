const WHEN = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** "3 Mar 2026, 14:05 UTC": the page renders on the server, so times say their zone. */
export function formatUtc(iso: string): string {
  return `${WHEN.format(new Date(iso))} UTC`;
}
