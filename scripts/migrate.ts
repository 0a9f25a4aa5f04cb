import { openDb, dbDriver } from '../db/client';
import { ensureBootstrap } from '../lib/projects/bootstrap';

async function main() {
  const handle = openDb();
  await handle.db;
  await ensureBootstrap();
  console.log(`migrations applied (${dbDriver()})`);
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
