import { dbDriver, openDb } from '../db/client';
import { runRetention, type RetentionReport } from '../lib/retention/run';

/** `npm run db:retention`: runs retention pass after pass until nothing past its retention is left. */
async function main() {
  const handle = openDb();
  const db = await handle.db;
  const total = new Map<string, number>();
  const dropped: string[] = [];
  let report: RetentionReport;
  let passes = 0;
  let dropMs = 0;
  do {
    report = await runRetention(db, { budgetMs: 30_000 });
    passes++;
    dropped.push(...report.partitions.dropped);
    dropMs += report.partitions.ms;
    for (const t of report.targets) total.set(t.key, (total.get(t.key) ?? 0) + t.deleted);
  } while (!report.done);
  console.log(`retention done in ${passes} pass(es) (${dbDriver()})`);
  console.log(`  events partitions dropped: ${dropped.length ? dropped.join(', ') : 'none'}`);
  if (dropped.length)
    console.log(
      `  partition drops took ${dropMs.toFixed(0)} ms in all, ${(dropMs / dropped.length).toFixed(0)} ms per day`,
    );
  for (const [key, deleted] of total)
    console.log(`  ${key}: ${deleted.toLocaleString('en-US')} rows deleted`);
  if (report.skipped.length) console.log(`  skipped (no such table): ${report.skipped.join(', ')}`);
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
