/** A UTC timestamp, to the minute by default; the full ISO time is in the tooltip. */
export function TimeUtc({ date, seconds = false }: { date: Date | null; seconds?: boolean }) {
  if (!date) return <span className="text-zinc-400 dark:text-zinc-600">never</span>;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap">
      {iso.slice(0, seconds ? 19 : 16).replace('T', ' ')}
    </time>
  );
}
