import { describe, expect, it } from 'vitest';
import { acknowledgeSchema, createSilenceSchema, endSilenceSchema, parseEndTime, silenceEnd } from './schema';

const projectId = '7a1f4c52-0d3e-4c8e-9a57-2b1e0c9d4f10';
const ruleId = '0b6f0a8e-5d2c-4f7a-8e1b-3c4d5e6f7a8b';
const message = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues[0]?.message;

describe('alert action schemas', () => {
  it('acknowledges an ungrouped alert when the group is blank or absent', () => {
    expect(acknowledgeSchema.parse({ projectId, ruleId })).toEqual({ projectId, ruleId, groupKey: '' });
    expect(acknowledgeSchema.parse({ projectId, ruleId, groupKey: '/api/chat' }).groupKey).toBe('/api/chat');
    expect(message(acknowledgeSchema.safeParse({ projectId, ruleId: 'nope' }))).toMatch(/no valid rule/);
  });

  it('turns a preset duration into a duration and a blank rule or group into "every"', () => {
    const parsed = createSilenceSchema.parse({
      projectId,
      ruleId: '',
      groupKey: ' ',
      duration: '4h',
      reason: ' deploy ',
    });
    expect(parsed).toEqual({
      projectId,
      ruleId: null,
      groupKey: null,
      reason: 'deploy',
      until: { durationMs: 4 * 3_600_000 },
    });
    expect(silenceEnd(parsed.until, new Date('2030-01-01T00:00:00Z'))).toEqual(
      new Date('2030-01-01T04:00:00Z'),
    );
  });

  it('reads a custom end time as UTC', () => {
    const parsed = createSilenceSchema.parse({
      projectId,
      ruleId,
      groupKey: 'claude',
      duration: 'custom',
      endsAt: '2030-01-31T18:00',
    });
    expect(parsed).toMatchObject({
      ruleId,
      groupKey: 'claude',
      reason: '',
      until: { at: new Date('2030-01-31T18:00:00Z') },
    });
    expect(parseEndTime('2030-01-31T18:00:00+02:00')).toEqual(new Date('2030-01-31T16:00:00Z'));
    expect(parseEndTime('tomorrow')).toBeNull();
  });

  it('says what to fix', () => {
    expect(message(createSilenceSchema.safeParse({ projectId, duration: 'custom' }))).toMatch(
      /Enter the end time/,
    );
    expect(message(createSilenceSchema.safeParse({ projectId, duration: '2h' }))).toMatch(/Pick how long/);
    expect(
      message(createSilenceSchema.safeParse({ projectId, duration: '1h', reason: 'x'.repeat(501) })),
    ).toBe('Keep the reason to 500 characters.');
    expect(message(createSilenceSchema.safeParse({ projectId, ruleId: 'all', duration: '1h' }))).toMatch(
      /Pick a rule/,
    );
    expect(message(endSilenceSchema.safeParse({ projectId, silenceId: '' }))).toBe(
      'Pick the silence to end.',
    );
  });
});
