import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events } from '@/db/schema';
import { MINIMAL_EVENTS } from '@/test/ingest-events';
import { EVENT_FIELDS, EVENT_TYPES, parseEvent, type EventType } from './schema';
import { COLUMNS_BY_TYPE, toRow } from './to-row';

const now = new Date('2026-11-22T12:00:00Z');
const project = '00000000-0000-0000-0000-000000000001';

const KINDS = ['string', 'number', 'boolean', 'null', 'array', 'object'] as const;
type Kind = (typeof KINDS)[number];
const SAMPLE: Record<Kind, unknown> = {
  string: 'text',
  number: 7,
  boolean: true,
  null: null,
  array: [1],
  object: { a: 1 },
};

/** The JSON kinds each declared field accepts: the contract, written out apart from the schemas. */
const FIELD_KINDS: Record<string, Kind[]> = {
  id: ['string'],
  timestamp: ['string', 'number'],
  userId: ['string'],
  sessionId: ['string'],
  conversationId: ['string'],
  traceId: ['string'],
  spanId: ['string'],
  service: ['string'],
  environment: ['string'],
  release: ['string'],
  metadata: ['object'],
  messageLength: ['number'],
  model: ['string'],
  durationMs: ['number'],
  provider: ['string'],
  timeToFirstTokenMs: ['number'],
  inputTokens: ['number'],
  outputTokens: ['number'],
  cacheReadTokens: ['number'],
  cacheWriteTokens: ['number'],
  costUsd: ['number'],
  temperature: ['number'],
  contextLength: ['number'],
  status: ['number'],
  errorType: ['string'],
  cached: ['boolean'],
  responseLength: ['number'],
  streamed: ['boolean'],
  route: ['string'],
  method: ['string'],
  requestBytes: ['number'],
  responseBytes: ['number'],
  operation: ['string'],
  cache: ['string'],
  hit: ['boolean'],
  scope: ['string'],
  limit: ['number'],
  message: ['string'],
  source: ['string'],
  stack: ['string'],
  level: ['string'],
  event: ['string'],
  data: ['object'],
  error: ['string', 'object'],
  score: ['number'],
  messageId: ['string'],
  comment: ['string'],
  path: ['string'],
  name: ['string'],
  value: ['number'],
  outcome: ['string'],
  reason: ['string'],
  unit: ['string'],
  labels: ['object'],
  resultCount: ['number'],
  topScore: ['number'],
  parentSpanId: ['string'],
  kind: ['string'],
  statusMessage: ['string'],
};
const kindsOf = (type: EventType, field: string) =>
  (type === 'ai.call' || type === 'span') && field === 'status' ? ['string'] : FIELD_KINDS[field]!;

/** The JS kind each column takes, from the table itself: what Postgres accepts in it. */
const COLUMN_KIND = Object.fromEntries(
  Object.entries(getTableColumns(events)).map(([key, column]) => [key, column.dataType]),
) as Record<string, string>;

function parse(event: Record<string, unknown>) {
  return parseEvent(event, 0, now, 90);
}

function rowOf(event: Record<string, unknown>) {
  const parsed = parse(event);
  if (!parsed.ok) throw new Error(`${JSON.stringify(event)}: ${parsed.error.message}`);
  return toRow(project, parsed.value, 'e', undefined);
}

/** Every typed value is of its column's kind: nothing of another kind can reach Postgres. */
function expectColumnKinds(row: Record<string, unknown>) {
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined || value === null) continue;
    const kind = COLUMN_KIND[key];
    if (kind === 'date') expect(value, key).toBeInstanceOf(Date);
    else if (kind === 'json') expect(typeof value, key).toBe('object');
    else expect([key, typeof value]).toEqual([key, kind]);
  }
}

const allFields = new Set(EVENT_TYPES.flatMap((type) => [...EVENT_FIELDS[type]]));

describe('event schemas', () => {
  it('know a JSON kind for every declared field (the table above covers the schemas)', () => {
    expect([...allFields].filter((field) => field !== 'type' && !FIELD_KINDS[field])).toEqual([]);
  });

  it.each(EVENT_TYPES)(
    '%s: refuses every wrong JSON kind in each of its fields, naming the field and the kind',
    (type) => {
      const failures: string[] = [];
      for (const field of EVENT_FIELDS[type]) {
        if (field === 'type') continue;
        for (const kind of KINDS) {
          if (kindsOf(type, field).includes(kind)) continue;
          const result = parse({ type, ...MINIMAL_EVENTS[type], [field]: SAMPLE[kind] });
          const message = result.ok ? 'accepted' : result.error.message;
          const expected = new RegExp(
            `^${field}: expected .*${kindsOf(type, field).join('.*')}.*, received ${kind}$`,
          );
          if (!expected.test(message)) failures.push(`${field} as ${kind}: ${message}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it.each(EVENT_TYPES)(
    '%s: keeps a field of any other type in attributes, whatever its kind, never in a column',
    (type) => {
      const base = { type, id: 'e', ...MINIMAL_EVENTS[type] };
      const without = rowOf(base);
      const foreign = [...allFields].filter((field) => !EVENT_FIELDS[type].has(field));
      expect(foreign.length).toBeGreaterThan(10);
      for (const field of foreign) {
        for (const kind of KINDS) {
          const row = rowOf({ ...base, [field]: SAMPLE[kind] });
          expect(row, `${field} as ${kind}`).toEqual({
            ...without,
            attributes: { ...without.attributes, [field]: SAMPLE[kind] },
          });
          expectColumnKinds(row);
        }
      }
    },
  );

  it('maps the reported bug cases to attributes: value on ai.call, status on log, cached on page.view', () => {
    const ai = rowOf({ type: 'ai.call', model: 'm', durationMs: 1, value: true });
    expect(ai.value).toBeUndefined();
    expect(ai.attributes).toEqual({ value: true });
    const log = rowOf({ type: 'log', level: 'info', event: 'x', status: 'bad' });
    expect([log.httpStatus, log.status, log.attributes]).toEqual([undefined, undefined, { status: 'bad' }]);
    const view = rowOf({ type: 'page.view', path: '/', cached: 'yes', score: 99 });
    expect([view.cached, view.score, view.attributes]).toEqual([
      undefined,
      undefined,
      { cached: 'yes', score: 99 },
    ]);
  });

  it('maps each declared field to a column of its kind, or to attributes', () => {
    for (const type of EVENT_TYPES) {
      const row = rowOf({ type, ...MINIMAL_EVENTS[type] });
      expectColumnKinds(row);
      for (const column of COLUMNS_BY_TYPE[type].values()) expect(COLUMN_KIND[column], column).toBeDefined();
    }
    expect(COLUMNS_BY_TYPE['ai.call'].get('status')).toBe('status');
    expect(COLUMNS_BY_TYPE['error'].get('status')).toBe('httpStatus');
    expect(COLUMNS_BY_TYPE['log'].get('event')).toBe('name');
    expect(COLUMNS_BY_TYPE['page.view'].has('value')).toBe(false);
  });

  it('refuses a null in a declared field (omit the field instead)', () => {
    const result = parse({ type: 'ai.call', model: 'm', durationMs: 1, inputTokens: null });
    expect(result.ok ? '' : result.error.message).toBe('inputTokens: expected number, received null');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'refuses the type %s as unknown',
    (type) => {
      const result = parse({ type });
      expect(result.ok ? '' : result.error.message).toMatch(/^type: unknown type/);
    },
  );

  it('says which values an enum takes, and what came instead', () => {
    const wrongValue = parse({ type: 'ai.call', model: 'm', durationMs: 1, status: 'nope' });
    expect(wrongValue.ok ? '' : wrongValue.error.message).toBe(
      'status: expected one of "ok", "error", received "nope"',
    );
    const wrongKind = parse({ type: 'web.vital', name: 5, value: 1 });
    expect(wrongKind.ok ? '' : wrongKind.error.message).toMatch(
      /^name: expected string \(one of "LCP", .*\), received number$/,
    );
  });

  it('reports one message per field', () => {
    const result = parse({ type: 'page.view', path: [] });
    expect(result.ok ? '' : result.error.message).toBe('path: expected string, received array');
  });

  it('accepts both timestamp kinds and explains a bad one', () => {
    expect(parse({ type: 'page.view', path: '/', timestamp: now.getTime() }).ok).toBe(true);
    expect(parse({ type: 'page.view', path: '/', timestamp: now.toISOString() }).ok).toBe(true);
    const fraction = parse({ type: 'page.view', path: '/', timestamp: 1.5 });
    expect(fraction.ok ? '' : fraction.error.message).toContain('whole number');
  });
});
