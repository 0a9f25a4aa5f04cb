/**
 * What the dashboards and `GET /api/v1/stats/*` answer: plain JSON (ISO strings, numbers, null for
 * "no data"). Rates are fractions in [0, 1]; durations are milliseconds; money is USD.
 * Client components may `import type` from here.
 */
import type { Point } from './buckets';

export type { Point } from './buckets';

export type Scope = { projectId: string };

/** Shared header of every dashboard answer. */
export type Period = {
  from: string;
  to: string;
  /** Width of a chart bucket; every series has one point per bucket of [from, to). */
  bucketMs: number;
};

export const OVERVIEW_FIGURES = [
  'requests',
  'errorRate',
  'p50ResponseMs',
  'p95ResponseMs',
  'p99ResponseMs',
  'activeUsers',
  'aiCalls',
  'aiErrorRate',
  'tokensIn',
  'tokensOut',
  'costUsd',
  'cacheHitRate',
  'satisfaction',
] as const;
export type OverviewFigure = (typeof OVERVIEW_FIGURES)[number];

/**
 * requests: `http.request` events; errorRate: their share with status >= 500; p50/p95/p99ResponseMs:
 * percentile_cont of `response.sent` durationMs; activeUsers: distinct userId over all events;
 * aiCalls/aiErrorRate: `ai.call` events and their share with status `error`; tokensIn/Out and costUsd:
 * sums over `ai.call`; cacheHitRate: hits / `get` operations of `cache` events; satisfaction: share of
 * `feedback` scores >= 4. Null when there is no data (a count of 0 is "no data" too).
 * The `model` filter narrows the ai.call figures only.
 */
export type OverviewFigures = Record<OverviewFigure, number | null>;

export type Overview = Period & {
  figures: OverviewFigures;
  /** The same figures over the period of equal length just before `from`. */
  previous: OverviewFigures & { from: string; to: string };
  /** Relative change vs previous (0.1 = +10%); null when the previous value is null or 0. */
  trends: OverviewFigures;
};

export type Percentiles = { p50: number | null; p95: number | null; p99: number | null };

export type Experience = Period & {
  /** `response.sent`: durationMs and timeToFirstTokenMs. */
  response: {
    count: number;
    durationMs: Percentiles;
    ttftMs: Percentiles;
    /** p95 time to first response (a streamed answer's first token, any other answer's duration). */
    firstResponseP95Ms: number | null;
    series: Point<{
      count: number;
      p50Ms: number | null;
      p95Ms: number | null;
      p99Ms: number | null;
      ttftP50Ms: number | null;
      ttftP95Ms: number | null;
      /** p95 time to first response: a streamed answer's first token, any other answer's duration. */
      ttfrP95Ms: number | null;
    }>[];
  };
  /** Time to first token of streamed responses (`streamed: true`). */
  /** Streamed `response.sent`: time to first token, and the whole stream's duration (p95). */
  streaming: { count: number; ttftMs: Percentiles; durationP95Ms: number | null };
  /** `responseLength` of `response.sent`, characters. */
  responseLength: { avg: number | null; p50: number | null };
  /** `http.request` with status >= 500 over all of them. */
  errors: {
    requests: number;
    serverErrors: number;
    errorRate: number | null;
    series: Point<{ requests: number; serverErrors: number; errorRate: number | null }>[];
  };
  /**
   * Distinct users in the 1, 7 and 30 days ending at `to` (not bounded by `from`), and DAU/MAU.
   * Rolling windows, not calendar days.
   */
  users: { dau: number; wau: number; mau: number; stickiness: number | null };
  /**
   * Sessions with an event in the range; duration = last - first event of the session within the range;
   * messagesPerSession = `message.received` events / sessions.
   */
  sessions: {
    count: number;
    messagesPerSession: number | null;
    avgDurationMs: number | null;
    p50DurationMs: number | null;
  };
  satisfaction: {
    count: number;
    /** Share of scores >= 4. */
    share: number | null;
    average: number | null;
    /** Scores 1 to 5, always five entries. */
    distribution: { score: number; count: number }[];
  };
  /** p75 of LCP and INP (ms) and CLS (unitless), overall and by page path (top pages by samples). */
  webVitals: {
    overall: WebVitalsP75;
    byPage: ({ path: string } & WebVitalsP75)[];
  };
  /** `http.request` by route: the busiest, and the slowest at p95. */
  routes: { byVolume: RouteStat[]; byP95: RouteStat[] };
};

export type WebVitalsP75 = { lcp: number | null; inp: number | null; cls: number | null; samples: number };
export type RouteStat = {
  route: string;
  requests: number;
  serverErrors: number;
  errorRate: number | null;
  p95Ms: number | null;
};

export type ModelStat = {
  model: string;
  calls: number;
  errors: number;
  errorRate: number | null;
  /** Latency and TTFT of successful calls. */
  durationMs: Percentiles;
  ttftMs: { p50: number | null; p95: number | null };
  tokensIn: number | null;
  tokensOut: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  costUsd: number | null;
  costPerRequest: number | null;
};

export type CacheStat = { lookups: number; hits: number; hitRate: number | null };

/** The `model` filter narrows everything from `ai.call` and the quality join; cache and retrieval ignore it. */
export type Ai = Period & {
  totals: {
    calls: number;
    errorRate: number | null;
    costUsd: number | null;
    costPerRequest: number | null;
    /** Spend of the calls that name a user, over those distinct users. */
    costPerUser: number | null;
    users: number;
  };
  /** Busiest first. */
  models: ModelStat[];
  errorTypes: { model: string; errorType: string; count: number }[];
  /** Per model, one point per bucket: calls, calls per minute, tokens, p95 latency of successful calls. */
  series: {
    model: string;
    points: Point<{
      calls: number;
      callsPerMinute: number;
      tokensIn: number;
      tokensOut: number;
      p95Ms: number | null;
    }>[];
  }[];
  /** UTC days intersecting the range. */
  costPerDay: Point<{ costUsd: number }>[];
  /** Most expensive users first (top 10). */
  costPerUser: { userId: string; costUsd: number; requests: number; costPerRequest: number | null }[];
  /** Calls per temperature, rounded to 0.1. */
  temperature: { temperature: number; count: number }[];
  /** Calls per context length bin [lo, hi) in tokens, powers of two from 1024 (first bin from 0). */
  contextLength: { lo: number; hi: number; count: number }[];
  /**
   * llm: `ai.call` events that report `cached` (hit when true) plus `cache` gets of the cache named `llm`;
   * kv: `cache` gets of every other cache (unnamed ones included).
   */
  cache: { llm: CacheStat; kv: CacheStat };
  retrieval: {
    count: number;
    durationMs: { p50: number | null; p95: number | null };
    avgResults: number | null;
  };
  /**
   * Ratings attributed to the model that answered: the latest successful `ai.call` in the rating's trace, or
   * else in its conversation, at or before the rating and at most 24 h before it. Unattributable ratings
   * are counted in `unattributed`.
   */
  quality: {
    byModel: { model: string; ratings: number; averageScore: number | null; satisfaction: number | null }[];
    unattributed: number;
  };
};

export type ResourceSeries = {
  service: string;
  /** Metric events whose name starts with `cpu` or `mem` (e.g. cpu_usage, cpu.utilization, memory.used). */
  resource: 'cpu' | 'memory';
  unit: string | null;
  avg: number | null;
  max: number | null;
  points: Point<{ avg: number | null; max: number | null }>[];
};

export type System = Period & {
  /** successRate: status < 400; clientErrorRate: 4xx; serverErrorRate: 5xx; all over `http.request`. */
  http: {
    requests: number;
    requestsPerMinute: number;
    successRate: number | null;
    clientErrorRate: number | null;
    serverErrorRate: number | null;
    series: Point<{
      requests: number;
      clientErrors: number;
      serverErrors: number;
      clientErrorRate: number | null;
      serverErrorRate: number | null;
    }>[];
  };
  /** Busiest first (top 50). */
  routes: {
    route: string;
    requests: number;
    requestsPerMinute: number;
    successRate: number | null;
    clientErrors: number;
    serverErrors: number;
    p95Ms: number | null;
  }[];
  rateLimits: { total: number; byRoute: { route: string; hits: number }[] };
  /** `auth.attempt` events: all of them, and those with outcome `failure`. */
  logins: { attempts: number; failures: number };
  resources: ResourceSeries[];
  /** `error` events grouped by type, route and message, latest first (top 50). */
  errors: {
    errorType: string;
    route: string | null;
    message: string;
    sources: string[];
    count: number;
    lastSeen: string;
  }[];
  /** Dependency health comes with the alerts issue (no health_checks table yet): always null for now. */
  dependencies: null;
};

/** Values seen in the last 30 days, sorted, at most 50 each. */
export type FilterOptions = { services: string[]; environments: string[]; models: string[] };

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const MAX_LOG_LIMIT = 200;

export type LogQuery = {
  from: Date;
  to: Date;
  /** Any of these levels; `error` events count as level `error`. */
  levels?: readonly LogLevel[];
  service?: string | null;
  /** A log's `event` or an error's `errorType`, exactly. */
  event?: string | null;
  userId?: string | null;
  traceId?: string | null;
  /** Case-insensitive substring of message, event name or error type. */
  text?: string | null;
  cursor?: string | null;
  /** 1 to MAX_LOG_LIMIT. */
  limit: number;
};

export type LogEntry = {
  id: string;
  type: 'log' | 'error';
  ts: string;
  level: string;
  service: string;
  /** The log's event name, or the error's type. */
  event: string | null;
  message: string | null;
  userId: string | null;
  traceId: string | null;
  /** Every stored field of the event (non-null columns and attributes), for the expanded row. */
  fields: Record<string, unknown>;
};

export type LogPage = { from: string; to: string; entries: LogEntry[]; nextCursor: string | null };
