import { databaseFailure } from '@/lib/http/errors';

/** A read that failed because the database is down answers 503 with Retry-After; anything else stays a 500. */
export function readFailure(error: unknown): never {
  databaseFailure(error, 'The database is unreachable; retry shortly.');
}
