import { z } from 'zod';
import { API_KEY_KINDS, API_KEY_SCOPES, type ApiKeyKind, type ApiKeyScope } from '@/db/schema';
import { normalizeModel } from '@/lib/ingest/pricing';
import { parseOrigins } from './origins';
import { SLUG_PATTERN, SLUG_RULE, slugify } from './slug';

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const asArray = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const projectId = z.uuid({ error: 'Pick a project first.' });
const name = (what: string) =>
  z
    .string({ error: `Name the ${what}.` })
    .trim()
    .min(1, `Name the ${what}.`)
    .max(100, `Keep the ${what} name to 100 characters.`);

export const createProjectSchema = z
  .object({
    name: name('project'),
    slug: z.preprocess(blankAsUndefined, z.string().trim().toLowerCase().optional()),
  })
  .transform(({ name, slug }) => ({ name, slug: slug ?? slugify(name), derived: slug === undefined }))
  .superRefine(({ slug, derived }, ctx) => {
    if (SLUG_PATTERN.test(slug)) return;
    const message = derived
      ? `No slug can be made from this name; enter one: ${SLUG_RULE}.`
      : `"${slug}" is not a valid slug; use ${SLUG_RULE}.`;
    ctx.addIssue({ code: 'custom', message, path: ['slug'] });
  })
  .transform(({ name, slug }) => ({ name, slug }));

/**
 * A server key with its scopes, or a browser key (ingest only) with the origins allowed to send with it. The
 * output names the kind, the scopes and the origins (none for server keys) whichever was posted.
 */
export const createApiKeySchema = z
  .object({
    projectId,
    name: name('key'),
    kind: z.preprocess(
      blankAsUndefined,
      z.enum(API_KEY_KINDS, { error: 'Pick a server key or a browser key.' }).default('server'),
    ),
    scopes: z.preprocess(
      asArray,
      z
        .array(z.enum(API_KEY_SCOPES, { error: `Scopes are ${API_KEY_SCOPES.join(' and ')}.` }))
        .transform((scopes) => API_KEY_SCOPES.filter((scope) => scopes.includes(scope))),
    ),
    allowedOrigins: z.preprocess(
      blankAsUndefined,
      z.string().max(4000, 'Allowed origins: keep it to 4,000 characters.').optional(),
    ),
  })
  .transform((input, ctx) => {
    if (input.kind === 'browser') {
      const parsed = parseOrigins(input.allowedOrigins ?? '');
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error, path: ['allowedOrigins'] });
        return z.NEVER;
      }
      return {
        projectId: input.projectId,
        name: input.name,
        kind: input.kind,
        scopes: ['ingest' as const],
        allowedOrigins: parsed.origins,
      };
    }
    if (input.scopes.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'Pick at least one scope: ingest, read or both.',
        path: ['scopes'],
      });
      return z.NEVER;
    }
    return {
      projectId: input.projectId,
      name: input.name,
      kind: input.kind,
      scopes: input.scopes,
      allowedOrigins: [] as string[],
    };
  });

export const revokeApiKeySchema = z.object({
  projectId,
  keyId: z.uuid({ error: 'Pick the key to revoke.' }),
});

const MODEL_PREFIX = /^[a-z0-9][a-z0-9._:/-]*$/;
const ENTER_MODEL = 'Enter a model prefix, e.g. claude-sonnet-4.';
/** Normalized like ingested model names (no `anthropic/`, `@date` or `-v1:0`), or the prefix could never match. */
const modelPrefix = z
  .string({ error: ENTER_MODEL })
  .trim()
  .max(100, 'Keep the model prefix to 100 characters.')
  .transform(normalizeModel)
  .pipe(
    z
      .string()
      .min(1, ENTER_MODEL)
      .regex(MODEL_PREFIX, 'A model prefix is lowercase letters, digits and . _ : / -.'),
  );

const perMTok = (label: string) =>
  z.coerce
    .number({ error: `${label}: enter a price in USD per million tokens.` })
    .min(0, `${label} cannot be negative.`)
    .max(100_000, `${label} above $100,000 per million tokens looks like a typo.`);

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** Cache prices left blank follow Anthropic's rule: reads at 0.1x input, 5-minute writes at 1.25x. */
export const modelPriceSchema = z
  .object({
    projectId,
    model: modelPrefix,
    inputPerMTok: z.preprocess(blankAsUndefined, perMTok('Input price')),
    outputPerMTok: z.preprocess(blankAsUndefined, perMTok('Output price')),
    cacheReadPerMTok: z.preprocess(blankAsUndefined, perMTok('Cache-read price').optional()),
    cacheWritePerMTok: z.preprocess(blankAsUndefined, perMTok('Cache-write price').optional()),
  })
  .transform((p) => ({
    ...p,
    cacheReadPerMTok: p.cacheReadPerMTok ?? round(p.inputPerMTok * 0.1),
    cacheWritePerMTok: p.cacheWritePerMTok ?? round(p.inputPerMTok * 1.25),
  }));

export const deleteModelPriceSchema = z.object({
  projectId,
  model: z.string({ error: ENTER_MODEL }).min(1, ENTER_MODEL),
});

/** The Settings toggle of a project's public status page: the form sends the state wanted. */
export const setStatusPageSchema = z.object({
  projectId,
  enabled: z
    .enum(['true', 'false'], { error: 'Say whether the status page should be on or off.' })
    .transform((value) => value === 'true'),
});

export const setStatusFramingSchema = z.object({
  projectId,
  framable: z
    .enum(['true', 'false'], { error: 'Say whether other sites may embed the status page.' })
    .transform((value) => value === 'true'),
});

/** A project's daily budget in USD; blank clears it (the budget rule then has nothing to compare with). */
export const setDailyBudgetSchema = z.object({
  projectId,
  dailyBudgetUsd: z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ error: 'Daily budget: enter an amount in USD, or leave it blank for none.' })
      .positive('Daily budget must be more than $0; leave it blank for none.')
      .max(10_000_000, 'A daily budget above $10,000,000 looks like a typo.')
      .transform((usd) => Math.round(usd * 100) / 100)
      .optional(),
  ),
});

export type CreateProjectInput = z.output<typeof createProjectSchema>;
/** What creating a key takes; a server key unless `kind` says browser (then `allowedOrigins` are its origins). */
export type CreateApiKeyInput = {
  name: string;
  scopes: ApiKeyScope[];
  kind?: ApiKeyKind;
  allowedOrigins?: string[];
};
export type ModelPriceInput = Omit<z.output<typeof modelPriceSchema>, 'projectId'>;
