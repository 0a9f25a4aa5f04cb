import { describe, expect, it } from 'vitest';
import { SLUG_PATTERN, slugify } from './slug';

describe('slugify', () => {
  it('lowercases, drops accents and joins words with single dashes', () => {
    expect(slugify('Acme Chat (EU)')).toBe('acme-chat-eu');
    expect(slugify('  Café -- Support_Bot  ')).toBe('cafe-support-bot');
  });

  it('answers an empty slug when the name has no letters or digits', () => {
    expect(slugify('!!! ???')).toBe('');
  });

  it('keeps long names within 63 characters without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(62)} b`);
    expect(slug).toBe('a'.repeat(62));
    expect(slugify('x'.repeat(100))).toHaveLength(63);
    expect(SLUG_PATTERN.test(slugify('x'.repeat(100)))).toBe(true);
  });
});
