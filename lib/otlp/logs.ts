import { anyValue, attributes, canonical, cut, text, type Attrs } from './attributes';
import { hexId, list, nanos, toMs } from './decode';
import { checkItemCount, itemDigest, originOf, type Mapped, type Origin } from './resource';

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
 * trace and span, severity, event name, body, attributes, as sent) and of its resource and scope: a re-exported
 * record is stored once, and two records alike in all of that are one.
 */
export function mapLogs(request: Record<string, unknown>): Mapped {
  const mapped: Mapped = { events: [], items: [], rejections: [], total: 0 };
  for (const resourceLogs of list(request, 'resourceLogs')) {
    for (const scopeLogs of list(resourceLogs, 'scopeLogs')) {
      const origin = originOf(resourceLogs, scopeLogs);
      for (const raw of list(scopeLogs, 'logRecords')) {
        const index = mapped.total++;
        checkItemCount(index, 'log records');
        const event = mapRecord(raw, origin);
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

function mapRecord(raw: unknown, origin: Origin): Record<string, unknown> | string {
  const { common, scope } = origin;
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
  // As sent, uncut: two records that differ past the cut or in their resource are two.
  const id = itemDigest('log', origin, [
    String(timeNs),
    traceId,
    spanId,
    severity,
    severityText,
    r.eventName ?? null,
    canonical(r.body),
    canonical(list(r, 'attributes')),
  ]);
  return { ...event, id };
}
