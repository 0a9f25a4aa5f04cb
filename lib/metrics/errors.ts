import { isDatabaseUnavailable } from '@/db/errors';
import { AppError } from '@/lib/http/errors';

/** A read that failed because the database is down answers 503 with Retry-After; anything else stays a 500. */
export function readFailure(error: unknown): never {
  if (error instanceof AppError) throw error;
  if (isDatabaseUnavailable(error)) {
    throw new AppError('unavailable', 'The database is unreachable; retry shortly.', { 'Retry-After': '5' });
  }
  throw error;
}
