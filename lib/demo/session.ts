import type { WebVitalName } from '../client/types';
import type { Rng } from './random';
import type { Sink } from './sink';

export const MODELS = [
  { model: 'claude-sonnet-4-5', share: 0.6, ttftMs: 750, tokensPerSecond: 75, outputTokens: 380 },
  { model: 'claude-haiku-4-5', share: 0.3, ttftMs: 380, tokensPerSecond: 140, outputTokens: 220 },
  { model: 'claude-opus-4-1', share: 0.1, ttftMs: 1150, tokensPerSecond: 45, outputTokens: 480 },
] as const;
type Model = (typeof MODELS)[number];

const SYSTEM_PROMPT_TOKENS = 1800;
/** Prompt-cache entries live five minutes; a slower reply re-writes the prefix. */
const PROMPT_CACHE_TTL_MS = 5 * 60_000;
/** Sessions stay under an hour, which lets generation look back exactly one hour. */
const SESSION_CUTOFF_MS = 48 * 60_000;
const AI_TIMEOUT_MS = 30_000;
const CHAT_ROUTE = '/api/chat';

export type SessionSpec = {
  rng: Rng;
  sink: Sink;
  start: number;
  mobile: boolean;
  /** 0..1: how busy this hour is, which slows everything a little. */
  load: number;
  isDown: (t: number) => boolean;
};

type Conversation = { id: string; model: Model; turns: number; historyTokens: number; lastAt: number };

/** One visit: sign-in for some, a page or two, one to four conversations of several turns each. */
export function generateSession(s: SessionSpec): void {
  const { rng } = s;
  let t = s.start;
  if (rng.chance(0.35)) t = signIn(s, t);
  const entry = rng.chance(0.6) ? '/chat' : '/';
  t = openPage(s, t, entry);
  t = api(s, t, 'GET', '/api/conversations', 200, rng.logNormal(45, 0.4));
  const conversations = Math.min(4, 1 + rng.poisson(0.6));
  for (let c = 0; c < conversations && t - s.start < SESSION_CUTOFF_MS; c += 1) {
    if (c > 0 || entry === '/') {
      leavePage(s, t, c > 0 ? '/chat' : entry);
      t = openPage(s, t + rng.logNormal(4000, 0.5), '/chat');
    }
    const conversation: Conversation = {
      id: `${s.sink.key}c${c}`,
      model: rng.weighted(MODELS.map((m) => [m, m.share] as const)),
      turns: 0,
      historyTokens: 0,
      lastAt: t,
    };
    const turns = Math.min(14, 1 + rng.poisson(3));
    for (let i = 0; i < turns && t - s.start < SESSION_CUTOFF_MS; i += 1) {
      t = chatTurn(s, conversation, t + rng.logNormal(i === 0 ? 12_000 : 35_000, 0.6));
    }
  }
  if (rng.chance(0.15)) {
    leavePage(s, t, '/chat');
    t = openPage(s, t + rng.logNormal(3000, 0.5), rng.pick(['/history', '/settings', '/pricing']));
  }
  leavePage(s, t + rng.logNormal(20_000, 0.8), '/chat');
}

function signIn(s: SessionSpec, t: number): number {
  const { rng } = s;
  t = openPage(s, t, '/sign-in');
  const method = rng.weighted([
    ['google', 45],
    ['password', 40],
    ['magic_link', 15],
  ] as const);
  t += rng.logNormal(9000, 0.5);
  if (method === 'password' && rng.chance(0.06)) {
    t = api(s, t, 'POST', '/api/auth/login', 401, rng.logNormal(180, 0.3));
    s.sink.emit(
      t,
      { type: 'auth.attempt', outcome: 'failure', method, reason: 'invalid_password' },
      { service: 'api' },
    );
    t += rng.logNormal(12_000, 0.4);
  }
  t = api(s, t, 'POST', '/api/auth/login', 200, rng.logNormal(220, 0.3));
  s.sink.emit(t, { type: 'auth.attempt', outcome: 'success', method }, { service: 'api' });
  return t + rng.logNormal(600, 0.3);
}

/** A page load: the view, its load-time vitals and, rarely, a client-side error. */
function openPage(s: SessionSpec, t: number, path: string): number {
  const { rng, sink } = s;
  const slow = s.mobile ? 1.7 : 1;
  sink.emit(t, { type: 'page.view', path }, { service: 'web' });
  const ttfb = rng.logNormal(170, 0.45) * (1 + 0.3 * s.load);
  const fcp = ttfb + rng.logNormal(650, 0.35) * slow;
  const lcp = fcp + rng.logNormal(420, 0.6) * slow;
  vital(s, t + ttfb, 'TTFB', ttfb, path);
  vital(s, t + fcp, 'FCP', fcp, path);
  vital(s, t + lcp, 'LCP', lcp, path);
  if (rng.chance(0.004)) {
    const [errorType, message] = rng.pick([
      ['TypeError', "Cannot read properties of undefined (reading 'content')"],
      ['ChunkLoadError', 'Loading chunk 742 failed.'],
      ['SyntaxError', 'Unexpected end of JSON input'],
    ] as const);
    sink.emit(
      t + lcp + rng.between(100, 5000),
      {
        type: 'error',
        source: 'client',
        errorType,
        message,
        route: path,
        stack: `${errorType}: ${message}\n    at ChatStream (app/chat/_components/chat-stream.tsx:88:17)`,
      },
      { service: 'web' },
    );
  }
  return t + lcp;
}

function leavePage(s: SessionSpec, t: number, path: string) {
  const { rng } = s;
  const cls = rng.chance(0.55) ? rng.between(0, 0.02) : Math.min(1, rng.logNormal(0.06, 0.9));
  vital(s, t, 'CLS', Math.round(cls * 1000) / 1000, path);
  if (path === '/chat') vital(s, t, 'INP', rng.logNormal(110, 0.55) * (s.mobile ? 1.8 : 1), path);
}

function vital(s: SessionSpec, t: number, name: WebVitalName, value: number, path: string) {
  s.sink.emit(
    t,
    { type: 'web.vital', name, value: name === 'CLS' ? value : Math.round(value), path },
    { service: 'web' },
  );
}

function api(
  s: SessionSpec,
  t: number,
  method: string,
  route: string,
  status: number,
  durationMs: number,
): number {
  const down = s.isDown(t);
  const failed = status === 200 && (down ? s.rng.chance(0.1) : s.rng.chance(0.0008));
  const finalStatus = failed ? 503 : status;
  const duration = Math.round(durationMs * (1 + 0.25 * s.load));
  s.sink.emit(
    t,
    {
      type: 'http.request',
      method,
      route,
      status: finalStatus,
      durationMs: duration,
      requestBytes: method === 'GET' ? 0 : s.rng.int(200, 1600),
      responseBytes: finalStatus >= 400 ? 120 : s.rng.int(800, 24_000),
    },
    { service: 'api' },
  );
  return t + duration;
}

/** One user message through the chat route: cache, retrieval, the model call and the streamed reply. */
function chatTurn(s: SessionSpec, conversation: Conversation, t: number): number {
  const { rng, sink } = s;
  const traceId = `${conversation.id}t${conversation.turns}`;
  const trace = { service: 'api', conversationId: conversation.id, traceId };
  const messageLength = Math.max(2, Math.round(rng.logNormal(140, 0.9)));
  sink.emit(t, { type: 'message.received', messageLength }, trace);

  if (rng.chance(0.004)) {
    sink.emit(t + 2, { type: 'rate_limit', route: CHAT_ROUTE, scope: 'user', limit: 20 }, trace);
    sink.emit(
      t + 3,
      { type: 'log', level: 'warn', event: 'rate_limit.exceeded', data: { route: CHAT_ROUTE, limit: 20 } },
      trace,
    );
    return emitChatRequest(s, t, 429, rng.logNormal(6, 0.3), trace) + rng.logNormal(20_000, 0.4);
  }

  let at = t + rng.logNormal(4, 0.4);
  for (const key of ['profile', 'history']) {
    const hit = rng.chance(0.87);
    const duration = rng.logNormal(1.4, 0.5);
    sink.emit(
      at,
      { type: 'cache', cache: 'kv', operation: 'get', hit, durationMs: round1(duration) },
      {
        ...trace,
        metadata: { key },
      },
    );
    at += duration;
    if (!hit) {
      at += rng.logNormal(9, 0.6);
      const setDuration = rng.logNormal(1.8, 0.5);
      sink.emit(at, { type: 'cache', cache: 'kv', operation: 'set', durationMs: round1(setDuration) }, trace);
      at += setDuration;
    }
  }

  if (rng.chance(0.0005)) {
    at += rng.logNormal(5000, 0.1);
    sink.emit(
      at,
      {
        type: 'error',
        source: 'database',
        errorType: 'DatabaseTimeout',
        message: 'canceling statement due to statement timeout',
        route: CHAT_ROUTE,
        status: 500,
      },
      trace,
    );
    sink.emit(
      at,
      {
        type: 'log',
        level: 'error',
        event: 'db.query_failed',
        message: 'statement timeout loading conversation',
        error: 'DatabaseTimeout',
      },
      trace,
    );
    return emitChatRequest(s, t, 500, at - t, trace);
  }

  let retrievedTokens = 0;
  if (rng.chance(0.55)) {
    const duration = rng.logNormal(85, 0.5);
    const resultCount = rng.chance(0.05) ? 0 : rng.int(1, 8);
    const topScore = resultCount === 0 ? 0 : Math.round(rng.between(0.55, 0.96) * 1000) / 1000;
    sink.emit(at, { type: 'retrieval', durationMs: Math.round(duration), resultCount, topScore }, trace);
    at += duration;
    retrievedTokens = resultCount * 250;
  }

  const userTokens = Math.ceil(messageLength / 4);
  const context = SYSTEM_PROMPT_TOKENS + conversation.historyTokens + retrievedTokens + userTokens;
  const warm = conversation.turns > 0 && t - conversation.lastAt < PROMPT_CACHE_TTL_MS && rng.chance(0.93);
  const cacheRead = warm
    ? SYSTEM_PROMPT_TOKENS + conversation.historyTokens
    : rng.chance(0.9)
      ? SYSTEM_PROMPT_TOKENS
      : 0;
  const cacheWrite = SYSTEM_PROMPT_TOKENS + conversation.historyTokens - cacheRead;
  const temperature = rng.weighted([
    [0.7, 60],
    [1, 25],
    [0.3, 15],
  ] as const);
  const call = {
    type: 'ai.call' as const,
    provider: 'anthropic',
    model: conversation.model.model,
    temperature,
    contextLength: context,
  };
  if (context > 24_000) {
    sink.emit(
      at,
      {
        type: 'log',
        level: 'warn',
        event: 'context.large',
        data: { contextLength: context, model: call.model },
      },
      trace,
    );
  }

  let attempt = 0;
  for (;;) {
    const down = s.isDown(at);
    const fails = down ? rng.chance(0.92) : rng.chance(0.002);
    if (!fails) break;
    const errorType = down
      ? rng.weighted([
          ['overloaded_error', 70],
          ['api_error', 30],
        ] as const)
      : rng.weighted([
          ['overloaded_error', 50],
          ['api_error', 25],
          ['rate_limit_error', 15],
          ['timeout', 10],
        ] as const);
    const duration = errorType === 'timeout' ? AI_TIMEOUT_MS : rng.logNormal(down ? 450 : 600, 0.5);
    sink.emit(
      at,
      {
        ...call,
        durationMs: Math.round(duration),
        inputTokens: 0,
        outputTokens: 0,
        status: 'error',
        errorType,
      },
      trace,
    );
    at += duration;
    attempt += 1;
    if (attempt >= 2 || rng.chance(0.4)) {
      sink.emit(
        at,
        {
          type: 'error',
          source: 'ai',
          errorType,
          message: `Claude request failed after ${attempt} attempt(s): ${errorType}`,
          route: CHAT_ROUTE,
          status: 502,
        },
        trace,
      );
      sink.emit(
        at,
        {
          type: 'log',
          level: 'error',
          event: 'ai.request_failed',
          message: `${call.model}: ${errorType}`,
          data: { attempts: attempt },
        },
        trace,
      );
      conversation.lastAt = at;
      return emitChatRequest(s, t, 502, at - t, trace) + rng.logNormal(15_000, 0.5);
    }
    sink.emit(
      at,
      {
        type: 'log',
        level: 'warn',
        event: 'ai.retry',
        message: `${call.model}: ${errorType}, retrying`,
        data: { attempt },
      },
      trace,
    );
    at += rng.logNormal(700, 0.3);
  }

  const model = conversation.model;
  const slowdown = 1 + 0.2 * s.load;
  const ttft = rng.logNormal(model.ttftMs, 0.35) * slowdown + context * 0.008;
  const outputTokens = Math.max(5, Math.min(4000, Math.round(rng.logNormal(model.outputTokens, 0.6))));
  const streamMs = (outputTokens / rng.logNormal(model.tokensPerSecond, 0.15)) * 1000;
  const aiAt = at;
  sink.emit(
    aiAt,
    {
      ...call,
      durationMs: Math.round(ttft + streamMs),
      timeToFirstTokenMs: Math.round(ttft),
      inputTokens: context - cacheRead - cacheWrite,
      outputTokens,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      status: 'ok',
    },
    trace,
  );
  // The chat route answers as soon as the stream starts, so its request time is time to first token.
  emitChatRequest(s, t, 200, aiAt + ttft - t, trace);
  const end = aiAt + ttft + streamMs + rng.logNormal(15, 0.4);
  const streamed = rng.chance(0.96);
  const responseId = sink.emit(
    end,
    {
      type: 'response.sent',
      durationMs: Math.round(end - t),
      timeToFirstTokenMs: Math.round(streamed ? aiAt + ttft - t : end - t),
      responseLength: Math.round(outputTokens * rng.between(3.6, 4.4)),
      streamed,
    },
    trace,
  );
  if (rng.chance(0.3)) {
    sink.emit(
      end + 1,
      {
        type: 'log',
        level: 'info',
        event: 'chat.completed',
        data: { model: model.model, outputTokens, durationMs: Math.round(end - t) },
      },
      trace,
    );
  } else if (rng.chance(0.1)) {
    sink.emit(
      t + 1,
      {
        type: 'log',
        level: 'debug',
        event: 'context.built',
        data: { contextLength: context, retrievedTokens },
      },
      trace,
    );
  }

  conversation.turns += 1;
  conversation.historyTokens += userTokens + retrievedTokens + outputTokens;
  conversation.lastAt = end;
  if (rng.chance(0.09)) {
    const at2 = end + rng.logNormal(25_000, 0.6);
    const score = rng.weighted([
      [5, 46],
      [4, 30],
      [3, 12],
      [2, 6],
      [1, 6],
    ] as const);
    api(s, at2, 'POST', '/api/feedback', 200, rng.logNormal(35, 0.3));
    const comment = rng.chance(0.25) ? COMMENTS[score] : undefined;
    sink.emit(
      at2,
      { type: 'feedback', score, messageId: responseId, ...(comment ? { comment } : {}) },
      trace,
    );
    return at2;
  }
  return end;
}

const COMMENTS = {
  1: 'Wrong answer and it ignored my instructions.',
  2: 'Too slow and missed the point.',
  3: 'OK, but it took a couple of tries.',
  4: 'Helpful, a bit long.',
  5: 'Exactly what I needed, thanks!',
} as const;

function emitChatRequest(
  s: SessionSpec,
  t: number,
  status: number,
  durationMs: number,
  trace: { conversationId: string; traceId: string },
): number {
  const duration = Math.round(durationMs);
  s.sink.emit(
    t,
    {
      type: 'http.request',
      method: 'POST',
      route: CHAT_ROUTE,
      status,
      durationMs: duration,
      requestBytes: s.rng.int(400, 6000),
      responseBytes: status === 200 ? s.rng.int(1500, 12_000) : 140,
    },
    { ...trace, service: 'api' },
  );
  return t + duration;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
