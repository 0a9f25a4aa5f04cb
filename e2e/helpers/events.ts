import { randomUUID } from 'node:crypto';

/** A unique id prefix per test so runs never collide in a shared database. */
export function runId(): string {
  return randomUUID().slice(0, 8);
}

/** One valid event of each of the 14 types, with ids under `prefix`. */
export function oneOfEach(prefix: string) {
  const base = { userId: `user-${prefix}`, sessionId: `s-${prefix}`, service: 'chat-api' };
  const events = [
    { type: 'message.received', messageLength: 120 },
    {
      type: 'ai.call',
      model: 'claude-sonnet-4-5',
      durationMs: 1840,
      timeToFirstTokenMs: 420,
      inputTokens: 1200,
      outputTokens: 350,
      cacheReadTokens: 8000,
      cacheWriteTokens: 0,
      temperature: 0.7,
      contextLength: 9200,
      status: 'ok',
    },
    { type: 'response.sent', durationMs: 2100, timeToFirstTokenMs: 450, responseLength: 1400, streamed: true },
    { type: 'http.request', route: '/api/chat', method: 'POST', status: 200, durationMs: 2150 },
    { type: 'cache', operation: 'get', cache: 'llm', hit: false, durationMs: 3 },
    { type: 'rate_limit', route: '/api/chat', scope: 'user', limit: 20 },
    { type: 'error', errorType: 'AnthropicOverloaded', message: 'overloaded', source: 'ai', status: 529 },
    { type: 'log', level: 'info', event: 'chat.completed', message: 'ok', data: { turns: 3 } },
    { type: 'feedback', score: 4, messageId: 'msg-1' },
    { type: 'page.view', path: '/chat' },
    { type: 'web.vital', name: 'INP', value: 140, path: '/chat' },
    { type: 'auth.attempt', outcome: 'failure', method: 'password', reason: 'invalid password' },
    { type: 'metric', name: 'cpu_usage', value: 0.41, unit: 'ratio', labels: { host: 'web-1' } },
    { type: 'retrieval', durationMs: 48, resultCount: 6, topScore: 0.83 },
  ];
  return events.map((event, i) => ({ ...base, ...event, id: `${prefix}-${i}` }));
}
