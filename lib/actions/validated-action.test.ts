import { redirect } from 'next/navigation';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import { authorizedAction, formValues, INTERNAL_MESSAGE, UNAVAILABLE_MESSAGE } from './validated-action';

const who = { userId: 'u1' };
const allow = async () => who;
const validatedAction = <S extends z.ZodType, T extends object>(
  s: S,
  fn: (data: z.output<S>) => Promise<{ ok: string } & T>,
) => authorizedAction(allow, s, (data) => fn(data));

const schema = z.object({
  name: z.string().trim().min(1, 'Name it.'),
  count: z.coerce.number().int('Count is a whole number.'),
  tags: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.string())),
});

function form(entries: [string, string][]) {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

afterEach(() => vi.restoreAllMocks());

describe('formValues', () => {
  it('keeps single fields as strings, repeated ones as arrays, and drops React action ids and files', () => {
    const data = form([
      ['a', '1'],
      ['b', 'x'],
      ['b', 'y'],
      ['$ACTION_ID_abc', ''],
    ]);
    data.append('upload', new Blob(['z']), 'z.txt');
    expect(formValues(data)).toEqual({ a: '1', b: ['x', 'y'] });
  });
});

describe('authorizedAction', () => {
  it('asks who it is before it parses anything: a refused caller learns no validation rule', async () => {
    const parse = vi.fn(() => true);
    const strict = z.object({ secret: z.string().refine(parse, 'The secret must be "x".') });
    const fn = vi.fn();
    const refused = authorizedAction(
      async () => {
        throw new AppError('forbidden', 'Only admins of this project can do this.');
      },
      strict,
      fn,
    );
    expect(await refused(null, form([['secret', 'y']]))).toEqual({
      error: 'Only admins of this project can do this.',
      values: { secret: 'y' },
    });
    expect(parse).not.toHaveBeenCalled();
    expect(fn).not.toHaveBeenCalled();
  });

  it('hands the authorized caller to the action with the parsed data', async () => {
    const action = authorizedAction(allow, schema, async (data, caller) => ({
      ok: `${caller.userId}:${data.name}`,
    }));
    expect(
      await action(
        null,
        form([
          ['name', 'n'],
          ['count', '2'],
        ]),
      ),
    ).toEqual({ ok: 'u1:n' });
  });

  it('answers the first issue message and echoes the fields without calling the action', async () => {
    const fn = vi.fn();
    const action = validatedAction(schema, fn);
    const state = await action(
      null,
      form([
        ['name', '  '],
        ['count', '1.5'],
      ]),
    );
    expect(state).toEqual({ error: 'Name it.', values: { name: '  ', count: '1.5' } });
    expect(fn).not.toHaveBeenCalled();
  });

  it('passes the parsed data to the action and returns its result', async () => {
    const action = validatedAction(schema, async (data) => ({
      ok: `saved ${data.name} x${data.count}`,
      tags: data.tags,
    }));
    const state = await action(
      null,
      form([
        ['name', ' box '],
        ['count', '3'],
        ['tags', 'a'],
        ['tags', 'b'],
      ]),
    );
    expect(state).toEqual({ ok: 'saved box x3', tags: ['a', 'b'] });
  });

  it("turns an AppError into the error's own message", async () => {
    const action = validatedAction(schema, async () => {
      throw new AppError('forbidden', 'Only admins can do this.');
    });
    expect(
      await action(
        null,
        form([
          ['name', 'a'],
          ['count', '1'],
        ]),
      ),
    ).toMatchObject({ error: 'Only admins can do this.' });
  });

  it('says the database is unreachable for connection errors, and hides other errors behind a logged message', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const down = validatedAction(schema, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    const broken = validatedAction(schema, async () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const data = form([
      ['name', 'a'],
      ['count', '1'],
    ]);
    expect(await down(null, data)).toMatchObject({ error: UNAVAILABLE_MESSAGE });
    const state = await broken(null, data);
    expect(state).toMatchObject({ error: INTERNAL_MESSAGE });
    expect(JSON.stringify(state)).not.toContain('secret_table');
    expect(log).toHaveBeenCalledTimes(1);
  });

  it("lets Next's redirect through instead of reporting it as an error", async () => {
    const action = validatedAction(schema, async () => redirect('/elsewhere'));
    await expect(
      action(
        null,
        form([
          ['name', 'a'],
          ['count', '1'],
        ]),
      ),
    ).rejects.toMatchObject({ digest: expect.stringContaining('NEXT_REDIRECT') });
  });
});
