import { createHash } from 'node:crypto';
import { anyValue, attributes, cut, text, type Attrs } from './attributes';
import { hexId, list, nanos, toMs } from './decode';
import { checkItemCount, originOf, type Mapped } from './resource';

/** OTLP severity numbers (1-24, four per level) to our log levels. */
export function levelOf(severityNumber: number, severityText?: string): string {
  if (severityNumber >= 21) return 'critical';
  if (severityNumber >= 17) return 'error';
  if (severityNumber >= 13) return 'warn';
  if (severityNumber >= 9) return 'info';
  if (severityNumber >= 1) return 'debug';
  const name = severityText?.toLowerCase() ?? '';
  if (/^(fatal|crit|critical|emerg|alert|panic)/.test(name)) return 'critical';
  if (/^err/.test(name)) return 'error';
  if (/^warn/.test(name)) return 'warn';
  if (/^(debug|trace)/.test(name)) return 'debug';
  return 'info';
}

/**
 * Log records to `log` events. A log record has no id of its own, so its id is a digest of what it holds (time,
 * trace and span, severity, body, attributes): a re-exported record is stored once, and two records alike in all
 * of that are one.
 */
export function mapLogs(request: Record<string, unknown>): Mapped {
  const mapped: Mapped = { events: [], items: [], rejections: [], total: 0 };
  for (const resourceLogs of list(request, 'resourceLogs')) {
    for (const scopeLogs of list(resourceLogs, 'scopeLogs')) {
      const origin = originOf(resourceLogs, scopeLogs);
      for (const raw of list(scopeLogs, 'logRecords')) {
        const index = mapped.total++;
        checkItemCount(index, 'log records');
        const event = mapRecord(raw, origin.common, origin.scope);
        if (typeof event === 'string') mapped.rejections.push({ index, message: event });
        else {
          mapped.events.push(event);
          mapped.items.push(index);
        }
      }
    }
  }
  return mapped;
}

function mapRecord(
  raw: unknown,
  common: Record<string, string>,
  scope?: string,
): Record<string, unknown> | string {
  if (typeof raw !== 'object' || raw === null) return 'logRecord: must be an object';
  const r = raw as Record<string, unknown>;
  const timeNs = nanos(r.timeUnixNano) ?? nanos(r.observedTimeUnixNano);
  if (timeNs === undefined)
    return 'timeUnixNano: required (or observedTimeUnixNano), nanoseconds since the epoch';
  const traceId = hexId(r.traceId, 16);
  const spanId = hexId(r.spanId, 8);
  if (traceId === null) return 'traceId: must be 16 bytes (32 hex digits in OTLP/JSON)';
  if (spanId === null) return 'spanId: must be 8 bytes (16 hex digits in OTLP/JSON)';
  const attrs: Attrs = attributes(r.attributes);
  const body = anyValue(r.body);
  const message = body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const severityText = typeof r.severityText === 'string' ? r.severityText : undefined;
  const severity = typeof r.severityNumber === 'number' ? r.severityNumber : Number(r.severityNumber) || 0;
  const name =
    (typeof r.eventName === 'string' && r.eventName) ||
    text(attrs, 'event.name', 'event') ||
    scope ||
    'otel.log';
  const userId = text(attrs, 'user.id', 'enduser.id');
  const sessionId = text(attrs, 'session.id');
  const event = {
    ...common,
    type: 'log',
    timestamp: toMs(timeNs),
    level: levelOf(severity, severityText),
    event: cut(name, 128),
    ...(message ? { message: cut(message, 4096) } : {}),
    ...(Object.keys(attrs).length > 0 ? { data: attrs } : {}),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
    ...(userId ? { userId: cut(userId, 256) } : {}),
    ...(sessionId ? { sessionId: cut(sessionId, 256) } : {}),
  };
  const digest = createHash('sha256')
    .update(JSON.stringify([String(timeNs), traceId, spanId, severity, severityText, message, attrs, common]))
    .digest('base64url')
    .slice(0, 32);
  return { ...event, id: `log.${digest}` };
}
