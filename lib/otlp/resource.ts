import { createHash } from 'node:crypto';
import { AppError } from '@/lib/http/errors';
import { attributes, cut, text, type Attrs } from './attributes';
import { list } from './decode';
import { MAX_OTLP_ITEMS } from './limits';

/** What every event of one resource and scope shares: the service, environment and release, and their source. */
export type Origin = { common: Record<string, string>; resource: Attrs; scope?: string };

/** The event fields a resource gives (service.name, deployment.environment[.name], service.version). */
export function originOf(resourceHolder: unknown, scopeHolder: unknown): Origin {
  const resource = attributes(
    list((resourceHolder as { resource?: unknown } | null)?.resource, 'attributes'),
  );
  const common: Record<string, string> = {};
  const service = text(resource, 'service.name');
  // The SDKs' default is unknown_service[:process]; our own default name reads better.
  if (service && !service.startsWith('unknown_service')) common.service = cut(service, 128);
  const environment = text(resource, 'deployment.environment.name', 'deployment.environment');
  if (environment) common.environment = cut(environment, 128);
  const release = text(resource, 'service.version');
  if (release) common.release = cut(release, 128);
  const scope = (scopeHolder as { scope?: { name?: unknown } } | null)?.scope?.name;
  return { common, resource, ...(typeof scope === 'string' && scope ? { scope: cut(scope, 256) } : {}) };
}

/** An item the receiver could not map, by its place in the request (0-based, across resources and scopes). */
export type Rejection = { index: number; message: string };

/** Mapped events, each with the index of the item (span, log record, data point) it came from. */
export type Mapped = {
  events: Record<string, unknown>[];
  items: number[];
  rejections: Rejection[];
  total: number;
  /**
   * Model calls whose parent span is neither in the request nor stored as a call (traces only): once stored, their
   * parents are recorded so that a parent arriving later is not a second call (lib/otlp/stored.ts).
   */
  orphanCalls?: { item: number; parentSpanId: string }[];
};

/** Throws the 413 of a request over MAX_OTLP_ITEMS once the item at `index` is one too many. */
export function checkItemCount(index: number, items: string): void {
  if (index < MAX_OTLP_ITEMS) return;
  throw new AppError(
    'payload_too_large',
    `The request holds more than ${MAX_OTLP_ITEMS} ${items}; export at most ${MAX_OTLP_ITEMS} per request (the SDK's maxExportBatchSize, 512 by default).`,
  );
}

/**
 * The id of an item that has none of its own (a log record, a metric point): a digest of its resource (every
 * attribute, not only the service: two instances of one service are two sources), its scope and `parts`, the
 * item as it was sent (uncut), so a re-export is stored once and two items that differ anywhere are two.
 */
export function itemDigest(prefix: string, origin: Origin, parts: readonly unknown[]): string {
  const json = JSON.stringify([origin.resource, origin.scope ?? null, ...parts], (_, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  return `${prefix}.${createHash('sha256').update(json).digest('base64url').slice(0, 32)}`;
}
