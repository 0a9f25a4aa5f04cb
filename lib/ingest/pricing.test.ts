import { describe, expect, it } from 'vitest';
import { computeCost, findPrice, normalizeModel } from './pricing';

describe('pricing', () => {
  it('normalizes provider decorations', () => {
    expect(normalizeModel('anthropic/claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(normalizeModel('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe('claude-3-5-haiku-20241022');
    expect(normalizeModel('claude-opus-4-1@20250805')).toBe('claude-opus-4-1');
  });

  it('takes the longest matching prefix', () => {
    expect(findPrice('claude-opus-4-5-20251101')?.input).toBe(5);
    expect(findPrice('claude-opus-4-20250514')?.input).toBe(15);
    expect(findPrice('claude-haiku-4-5')?.output).toBe(5);
    expect(findPrice('gpt-4o')).toBeUndefined();
  });

  it('computes cost from all four token kinds', () => {
    // sonnet: 3 in, 15 out, 0.30 cache read, 3.75 cache write per MTok
    const cost = computeCost('claude-sonnet-4-5-20250929', {
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 10_000,
      cacheWriteTokens: 2000,
    });
    expect(cost).toBeCloseTo((1000 * 3 + 500 * 15 + 10_000 * 0.3 + 2000 * 3.75) / 1e6, 12);
  });

  it('lets a project override win over the shipped table', () => {
    const overrides = { 'claude-sonnet-4': { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 } };
    expect(
      computeCost('claude-sonnet-4-5', { inputTokens: 1_000_000, outputTokens: 1_000_000 }, overrides),
    ).toBe(3);
  });

  it('returns undefined without tokens or for an unknown model', () => {
    expect(computeCost('claude-sonnet-4-5', {})).toBeUndefined();
    expect(computeCost('mystery-model', { inputTokens: 10 })).toBeUndefined();
  });
});
