import { describe, expect, it } from 'vitest';
import { createApiKeySchema, createProjectSchema, modelPriceSchema } from './schema';

const projectId = '5b0c1c2e-8d6f-4c1a-9a57-0d7f3f3b6a11';
const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues[0]?.message;

describe('createProjectSchema', () => {
  it('derives the slug from the name when none is given, and lowercases a given one', () => {
    expect(createProjectSchema.parse({ name: ' Support Bot (EU) ', slug: '' })).toEqual({
      name: 'Support Bot (EU)',
      slug: 'support-bot-eu',
    });
    expect(createProjectSchema.parse({ name: 'x', slug: 'My-App' })).toEqual({ name: 'x', slug: 'my-app' });
  });

  it('explains what a slug may contain', () => {
    expect(firstMessage(createProjectSchema.safeParse({ name: 'x', slug: '-bad slug' }))).toMatch(
      /"-bad slug" is not a valid slug; use lowercase letters/,
    );
    expect(firstMessage(createProjectSchema.safeParse({ name: '日本' }))).toMatch(
      /No slug can be made from this name; enter one/,
    );
    expect(firstMessage(createProjectSchema.safeParse({ name: '' }))).toBe('Name the project.');
  });
});

describe('createApiKeySchema', () => {
  it('takes one or both scopes, in a stable order without repeats', () => {
    expect(createApiKeySchema.parse({ projectId, name: 'k', scopes: 'read' }).scopes).toEqual(['read']);
    expect(
      createApiKeySchema.parse({ projectId, name: 'k', scopes: ['read', 'ingest', 'read'] }).scopes,
    ).toEqual(['ingest', 'read']);
  });

  it('asks for at least one known scope', () => {
    expect(firstMessage(createApiKeySchema.safeParse({ projectId, name: 'k' }))).toBe(
      'Pick at least one scope: ingest, read or both.',
    );
    expect(firstMessage(createApiKeySchema.safeParse({ projectId, name: 'k', scopes: 'admin' }))).toBe(
      'Scopes are ingest and read.',
    );
  });
});

describe('createApiKeySchema for browser keys', () => {
  it('makes an ingest-only key with the normalized origins typed, whatever scopes were posted', () => {
    const parsed = createApiKeySchema.parse({
      projectId,
      name: 'web',
      kind: 'browser',
      scopes: ['read'],
      allowedOrigins: 'https://Chat.Example.com:443, http://localhost:5173\nhttps://chat.example.com',
    });
    expect(parsed).toMatchObject({
      kind: 'browser',
      scopes: ['ingest'],
      allowedOrigins: ['https://chat.example.com', 'http://localhost:5173'],
    });
  });

  it('says what to fix in the origins', () => {
    const origins = (allowedOrigins?: string) =>
      firstMessage(createApiKeySchema.safeParse({ projectId, name: 'web', kind: 'browser', allowedOrigins }));
    expect(origins()).toMatch(/enter the origin of each site/);
    expect(origins('chat.example.com')).toMatch(/is not an origin; write it as https:\/\/host/);
    expect(origins('ftp://example.com')).toMatch(/must start with https:\/\/ or http:\/\//);
    expect(origins('https://example.com/app')).toMatch(
      /keep scheme, host and port only \(https:\/\/example.com\)/,
    );
    expect(origins(Array.from({ length: 21 }, (_, i) => `https://s${i}.example.com`).join(' '))).toMatch(
      /at most 20/,
    );
  });

  it('leaves server keys without origins', () => {
    expect(
      createApiKeySchema.parse({
        projectId,
        name: 'k',
        scopes: 'ingest',
        allowedOrigins: 'https://x.example',
      }),
    ).toMatchObject({ kind: 'server', allowedOrigins: [] });
  });
});

describe('modelPriceSchema', () => {
  it('fills blank cache prices from the input price, as Anthropic prices them', () => {
    const price = modelPriceSchema.parse({
      projectId,
      model: ' Claude-Sonnet-4 ',
      inputPerMTok: '3',
      outputPerMTok: '15',
      cacheReadPerMTok: '',
      cacheWritePerMTok: '',
    });
    expect(price).toEqual({
      projectId,
      model: 'claude-sonnet-4',
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      cacheWritePerMTok: 3.75,
    });
  });

  it('stores the prefix the way ingested model names are matched', () => {
    const parse = (model: string) =>
      modelPriceSchema.parse({ projectId, model, inputPerMTok: '1', outputPerMTok: '1' }).model;
    expect(parse('anthropic/claude-sonnet-4')).toBe('claude-sonnet-4');
    expect(parse('us.anthropic.claude-3-5-sonnet-v2:0')).toBe('claude-3-5-sonnet');
    expect(parse('gpt-4o')).toBe('gpt-4o');
  });

  it('keeps explicit zero cache prices', () => {
    const price = modelPriceSchema.parse({
      projectId,
      model: 'm',
      inputPerMTok: '2',
      outputPerMTok: '0',
      cacheReadPerMTok: '0',
      cacheWritePerMTok: '0',
    });
    expect(price).toMatchObject({ outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0 });
  });

  it('refuses negative, missing and non-numeric prices with the field named', () => {
    const base = { projectId, model: 'm', inputPerMTok: '1', outputPerMTok: '1' };
    expect(firstMessage(modelPriceSchema.safeParse({ ...base, cacheReadPerMTok: '-1' }))).toBe(
      'Cache-read price cannot be negative.',
    );
    expect(firstMessage(modelPriceSchema.safeParse({ ...base, outputPerMTok: '' }))).toBe(
      'Output price: enter a price in USD per million tokens.',
    );
    expect(firstMessage(modelPriceSchema.safeParse({ ...base, inputPerMTok: 'abc' }))).toBe(
      'Input price: enter a price in USD per million tokens.',
    );
    expect(firstMessage(modelPriceSchema.safeParse({ ...base, model: 'claude sonnet' }))).toBe(
      'A model prefix is lowercase letters, digits and . _ : / -.',
    );
    expect(firstMessage(modelPriceSchema.safeParse({ ...base, model: '  ' }))).toBe(
      'Enter a model prefix, e.g. claude-sonnet-4.',
    );
  });
});
