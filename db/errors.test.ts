import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { describeError, isDataError, isDatabaseUnavailable } from './errors';

describe('describeError', () => {
  it("logs a failed query's database error and the start of its statement, never its parameters", () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
    });
    const secret = JSON.stringify([{ message: 'a user message with a password: hunter2' }]);
    const error = new DrizzleQueryError(
      'insert into events (project_id, event_id) select ...',
      ['p1', secret],
      cause,
    );
    const line = describeError(error);
    expect(line).toBe(
      '22021 invalid byte sequence for encoding "UTF8": 0x00 (statement: insert into events (project_id, event_id) select ......)',
    );
    expect(line).not.toContain('hunter2');
  });

  it('describes any other thrown value as it is', () => {
    expect(describeError(new Error('boom'))).toBe('Error: boom');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('isDatabaseUnavailable', () => {
  it('looks through causes for a connection error code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new DrizzleQueryError('select 1', [], refused))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});

describe('isDataError', () => {
  it('is true for a data exception or a constraint violation, through causes, and false otherwise', () => {
    const outOfRange = Object.assign(new Error('out of range for type real'), { code: '22003' });
    expect(isDataError(new DrizzleQueryError('insert ...', [], outOfRange))).toBe(true);
    expect(isDataError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(true);
    expect(
      isDataError(
        Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      ),
    ).toBe(false);
    expect(isDataError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      false,
    );
  });
});
