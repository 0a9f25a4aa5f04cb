import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { describeError, isDatabaseUnavailable, isDataError } from '@/db/errors';
import { AppError } from '@/lib/http/errors';
import { log } from '@/lib/log';

/** The submitted text fields; a field sent more than once (checkboxes) becomes an array. */
export type FormValues = Record<string, string | string[]>;

/** `values` lets a form refill its fields: React resets a form after every action, failed or not. */
export type ActionError = { error: string; values: FormValues };
export type ActionOk<T extends object = object> = { ok: string } & T;
export type ActionState<T extends object = object> = ActionError | ActionOk<T> | null;

export const UNAVAILABLE_MESSAGE = 'The database is unreachable; nothing was changed. Try again in a moment.';
export const UNSTORABLE_MESSAGE =
  'A field holds text that cannot be stored (a control character such as NUL, or broken Unicode); remove it and try again.';
export const INTERNAL_MESSAGE =
  'Something went wrong on the server; nothing may have changed. The error has been logged.';

export function formValues(formData: FormData): FormValues {
  const values: FormValues = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const strings = formData.getAll(key).filter((value): value is string => typeof value === 'string');
    if (strings.length === 1) values[key] = strings[0]!;
    else if (strings.length > 1) values[key] = strings;
  }
  return values;
}

/**
 * Wraps a server action for `useActionState`. Who asks comes first: `authorize` (which throws AppError
 * unauthorized / forbidden / not_found) runs before the form is parsed, so a refused caller never learns
 * the validation rules. Then `schema` parses the form (the first issue's message on bad input), `fn` runs,
 * and an AppError becomes `{ error }`. Other errors are logged, never echoed.
 */
export function authorizedAction<A, S extends z.ZodType, T extends object>(
  authorize: (formData: FormData) => Promise<A>,
  schema: S,
  fn: (data: z.output<S>, who: A, formData: FormData) => Promise<ActionOk<T>>,
): (previous: ActionState<T>, formData: FormData) => Promise<ActionError | ActionOk<T>> {
  return async (_previous, formData) => {
    const values = formValues(formData);
    try {
      const who = await authorize(formData);
      const parsed = schema.safeParse(values);
      if (!parsed.success)
        return { error: parsed.error.issues[0]?.message ?? 'Check the form and try again.', values };
      return await fn(parsed.data, who, formData);
    } catch (error) {
      unstable_rethrow(error);
      if (error instanceof AppError) return { error: error.message, values };
      if (isDatabaseUnavailable(error)) return { error: UNAVAILABLE_MESSAGE, values };
      if (isDataError(error)) return { error: UNSTORABLE_MESSAGE, values };
      log.error('server_action_failed', { error: describeError(error) });
      return { error: INTERNAL_MESSAGE, values };
    }
  };
}
