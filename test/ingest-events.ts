import type { EventType } from '@/lib/ingest/schema';

/** One minimal valid event of every type, with its required fields. */
export const MINIMAL_EVENTS = {
  'message.received': { messageLength: 42 },
  'ai.call': { model: 'claude-sonnet-4-5', durationMs: 1200, inputTokens: 1000, outputTokens: 200 },
  'response.sent': { durationMs: 1500, timeToFirstTokenMs: 300, responseLength: 900, streamed: true },
  'http.request': { route: '/api/chat', status: 200, durationMs: 80, method: 'POST' },
  cache: { operation: 'get', cache: 'llm', hit: true, durationMs: 2 },
  rate_limit: { route: '/api/chat', scope: 'user', limit: 60 },
  error: { errorType: 'TimeoutError', message: 'upstream timed out', source: 'ai', status: 504 },
  log: { level: 'warn', event: 'slow_query', message: 'took 900 ms', data: { table: 'messages' } },
  feedback: { score: 5, messageId: 'm1', comment: 'great' },
  'page.view': { path: '/chat' },
  'web.vital': { name: 'LCP', value: 1800, path: '/chat' },
  'auth.attempt': { outcome: 'failure', method: 'password', reason: 'bad password' },
  metric: { name: 'cpu', value: 0.42, unit: 'ratio', labels: { host: 'a' } },
  retrieval: { durationMs: 35, resultCount: 8, topScore: 0.91 },
  span: { name: 'db.query', durationMs: 12, kind: 'client', status: 'ok', parentSpanId: 'b7ad6b7169203331' },
} as const satisfies Record<EventType, Record<string, unknown>>;
