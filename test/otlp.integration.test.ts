import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { simulateReadableStream, streamText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The routes hand the live counters to `after()`, which needs a request scope outside `next start`: run it now.
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  after: (task: Promise<unknown> | (() => unknown)) => {
    void Promise.resolve(typeof task === 'function' ? task() : task).catch(() => {});
  },
}));

const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { displayPrefix, generateApiKey, hashApiKey } = await import('@/lib/auth/api-key-format');
const { computeCost } = await import('@/lib/ingest/pricing');
const { messages } = await import('@/lib/otlp/proto');
const { getAi } = await import('@/lib/metrics/queries/ai');
const { NO_FILTERS, parseRange } = await import('@/lib/metrics/range');
const routes = {
  traces: (await import('@/app/api/otlp/v1/traces/route')).POST,
  logs: (await import('@/app/api/otlp/v1/logs/route')).POST,
  metrics: (await import('@/app/api/otlp/v1/metrics/route')).POST,
};

// What NodeTracerProvider.register() would install: spans started inside another's context are its children.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** The receiver's routes behind a real HTTP server, so the exporters send over the wire as they would in an app. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const signal = req.url?.match(/^\/api\/otlp\/v1\/(traces|logs|metrics)$/)?.[1] as
      keyof typeof routes | undefined;
    if (!signal) {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value);
    const response = await routes[signal](
      new Request(`http://test${req.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/otlp`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function newProject() {
  const db = await getDb();
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `otlp-${randomUUID().slice(0, 12)}`, name: 'otlp' })
    .returning();
  const key = generateApiKey();
  await db.insert(schema.apiKeys).values({
    projectId: project!.id,
    name: 'otel',
    keyHash: hashApiKey(key),
    prefix: displayPrefix(key),
    scopes: ['ingest'],
  });
  return { projectId: project!.id, headers: { Authorization: `Bearer ${key}` } };
}

async function rowsOf(projectId: string, type?: string) {
  const db = await getDb();
  const where = type
    ? and(eq(schema.events.projectId, projectId), eq(schema.events.type, type))
    : eq(schema.events.projectId, projectId);
  return db.select().from(schema.events).where(where);
}

/** Spans recorded by a real tracer provider, kept in memory so the same batch can be exported more than once. */
function recorder(service: string) {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'deployment.environment.name': 'production',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  return { tracer: provider.getTracer('chat-app'), spans: () => memory.getFinishedSpans(), provider };
}

function exportSpans(exporter: ProtoTraceExporter | JsonTraceExporter, spans: ReadableSpan[]) {
  return new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
}

const T0 = Date.now() - 60 * 60 * 1000;

/** A GenAI span as an instrumented Anthropic SDK emits it (current conventions): 3 s, TTFT 0.4 s. */
function anthropicCall(tracer: Tracer, i: number, names: 'current' | 'deprecated') {
  const start = T0 + i * 10_000;
  const attributes =
    names === 'current'
      ? {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
          // The conventions' input_tokens include the cache's: 1,000 of them are not cached.
          'gen_ai.usage.input_tokens': 1000 + 3000 + 200,
          'gen_ai.usage.cache_read.input_tokens': 3000,
          'gen_ai.usage.cache_creation.input_tokens': 200,
          'gen_ai.usage.output_tokens': 500,
          'gen_ai.request.temperature': 0.7,
          'gen_ai.response.time_to_first_chunk': 0.4,
          'user.id': `user-${i % 3}`,
        }
      : {
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-haiku-4-5',
          'gen_ai.usage.prompt_tokens': 800,
          'gen_ai.usage.completion_tokens': 100,
        };
  const span = tracer.startSpan(`chat ${attributes['gen_ai.request.model']}`, {
    kind: SpanKind.CLIENT,
    startTime: start,
    attributes,
  });
  if (i === 0 && names === 'current') {
    span.recordException({ name: 'OverloadedError', message: 'Overloaded' }, start + 100);
    span.setAttribute('error.type', 'overloaded_error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'Overloaded' });
  }
  span.end(start + 3000);
}

describe(`OTLP receiver with the OpenTelemetry SDK against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  it('stores GenAI spans sent as protobuf as ai.call events the AI dashboard shows, and a re-export once', async () => {
    const { projectId, headers } = await newProject();
    const { tracer, spans } = recorder('chat-api');
    for (let i = 0; i < 4; i++) anthropicCall(tracer, i, 'current');
    for (let i = 0; i < 2; i++) anthropicCall(tracer, 10 + i, 'deprecated');
    const server = tracer.startSpan('POST /api/chat', {
      kind: SpanKind.SERVER,
      startTime: T0,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/api/chat',
        'http.response.status_code': 502,
      },
    });
    server.end(T0 + 250);
    tracer.startSpan('db.query', { kind: SpanKind.CLIENT, startTime: T0 }).end(T0 + 12);

    const exporter = new ProtoTraceExporter({ url: `${base}/v1/traces`, headers });
    expect(await exportSpans(exporter, spans())).toEqual({ code: 0 });
    // The SDK retries an export it thinks failed: the same spans again are stored once.
    expect(await exportSpans(exporter, spans())).toEqual({ code: 0 });
    await exporter.shutdown();

    const calls = await rowsOf(projectId, 'ai.call');
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => c.service === 'chat-api' && c.environment === 'production')).toBe(true);
    const sonnet = calls.filter((c) => c.model === 'claude-sonnet-4-5-20250929');
    expect(sonnet).toHaveLength(4);
    expect(sonnet[0]).toMatchObject({
      provider: 'anthropic',
      inputTokens: 1000,
      cacheReadTokens: 3000,
      cacheWriteTokens: 200,
      outputTokens: 500,
      durationMs: 3000,
      ttftMs: 400,
    });
    expect(sonnet.filter((c) => c.status === 'error').map((c) => c.errorType)).toEqual(['overloaded_error']);
    const haiku = calls.filter((c) => c.model === 'claude-haiku-4-5');
    expect(haiku.map((c) => [c.provider, c.inputTokens, c.outputTokens])).toEqual([
      ['anthropic', 800, 100],
      ['anthropic', 800, 100],
    ]);
    expect(await rowsOf(projectId, 'http.request')).toMatchObject([
      { route: '/api/chat', httpStatus: 502, method: 'POST' },
    ]);
    const [dbSpan] = await rowsOf(projectId, 'span');
    expect(dbSpan).toMatchObject({ name: 'db.query', durationMs: 12, status: 'unset' });
    expect(dbSpan!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await rowsOf(projectId, 'error')).toMatchObject([
      { errorType: 'OverloadedError', message: 'Overloaded', source: 'ai' },
    ]);

    // What the AI dashboard shows for those calls.
    const ai = await getAi({ projectId }, parseRange({ range: '24h' }), NO_FILTERS);
    expect(ai.totals.calls).toBe(6);
    const sonnetStat = ai.models.find((m) => m.model === 'claude-sonnet-4-5-20250929')!;
    expect(sonnetStat).toMatchObject({
      calls: 4,
      errors: 1,
      tokensIn: 4000,
      tokensOut: 2000,
      cacheReadTokens: 12_000,
    });
    expect(sonnetStat.ttftMs.p50).toBeCloseTo(400, -1);
    const perCall = computeCost('claude-sonnet-4-5', {
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 3000,
      cacheWriteTokens: 200,
    })!;
    expect(sonnetStat.costUsd).toBeCloseTo(4 * perCall, 9);
  });

  it('takes OTLP/JSON from the http exporter, gzipped or not: same ids, same mapping', async () => {
    const { projectId, headers } = await newProject();
    const { tracer, spans } = recorder('chat-api');
    anthropicCall(tracer, 1, 'current');
    const exporter = new JsonTraceExporter({ url: `${base}/v1/traces`, headers });
    expect(await exportSpans(exporter, spans())).toEqual({ code: 0 });
    const gzipped = new JsonTraceExporter({
      url: `${base}/v1/traces`,
      headers,
      compression: CompressionAlgorithm.GZIP,
    });
    expect(await exportSpans(gzipped, spans())).toEqual({ code: 0 });
    await Promise.all([exporter.shutdown(), gzipped.shutdown()]);
    const [call, ...more] = await rowsOf(projectId, 'ai.call');
    expect(more).toEqual([]);
    expect(call).toMatchObject({ eventId: spans()[0]!.spanContext().spanId, inputTokens: 1000, ttftMs: 400 });
    expect(call!.traceId).toBe(spans()[0]!.spanContext().traceId);
  });

  it('counts one AI SDK streamText call once, with its TTFT, tokens and telemetry metadata', async () => {
    const { projectId, headers } = await newProject();
    const { tracer, spans } = recorder('chat-web');
    const model = new MockLanguageModelV3({
      provider: 'anthropic.messages',
      modelId: 'claude-sonnet-4-5',
      doStream: async () => ({
        stream: simulateReadableStream({
          initialDelayInMs: 50,
          chunkDelayInMs: 5,
          chunks: [
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: 'Hello' },
            { type: 'text-delta', id: 't', delta: ', world' },
            { type: 'text-end', id: 't' },
            {
              type: 'finish',
              finishReason: { unified: 'stop', raw: 'end_turn' },
              usage: {
                inputTokens: { total: 1500, noCache: 1200, cacheRead: 300, cacheWrite: 0 },
                outputTokens: { total: 42, text: 42, reasoning: 0 },
              },
            },
          ],
        }),
      }),
    });
    const result = streamText({
      model,
      prompt: 'Say hello',
      experimental_telemetry: { isEnabled: true, tracer, metadata: { userId: 'u-42', sessionId: 's-7' } },
    });
    expect(await result.text).toBe('Hello, world');
    // The outer span ends just after the text settles.
    await vi.waitFor(() => expect(spans()).toHaveLength(2));
    const exporter = new ProtoTraceExporter({ url: `${base}/v1/traces`, headers });
    expect(await exportSpans(exporter, spans())).toEqual({ code: 0 });
    await exporter.shutdown();

    // Two spans (ai.streamText around ai.streamText.doStream), one model call.
    expect(
      spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['ai.streamText', 'ai.streamText.doStream']);
    const calls = await rowsOf(projectId, 'ai.call');
    expect(calls).toHaveLength(1);
    const doStream = spans().find((s) => s.name === 'ai.streamText.doStream')!;
    expect(calls[0]).toMatchObject({
      eventId: doStream.spanContext().spanId,
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      inputTokens: 1200,
      cacheReadTokens: 300,
      outputTokens: 42,
      userId: 'u-42',
      sessionId: 's-7',
      status: 'ok',
    });
    expect(calls[0]!.ttftMs).toBe(doStream.attributes['ai.response.msToFirstChunk']);
    expect(calls[0]!.ttftMs).toBeGreaterThanOrEqual(40);
    expect(calls[0]!.costUsd).toBeCloseTo(
      computeCost('claude-sonnet-4-5', { inputTokens: 1200, outputTokens: 42, cacheReadTokens: 300 })!,
      12,
    );
    const outer = await rowsOf(projectId, 'span');
    expect(outer.map((s) => s.name)).toEqual(['ai.streamText']);
    expect(calls[0]!.parentSpanId).toBe(outer[0]!.spanId);
  });

  /** An AI SDK model-call span (`operation`) and an instrumented Anthropic SDK's GenAI span under it: one call. */
  function callWithChild(tracer: Tracer, operation: string) {
    const parent = tracer.startSpan(operation, {
      startTime: T0,
      attributes: {
        'ai.operationId': operation,
        'ai.model.id': 'claude-haiku-4-5',
        'ai.model.provider': 'anthropic.messages',
        'ai.usage.inputTokens': 100,
        'ai.usage.outputTokens': 10,
      },
    });
    const child = tracer.startSpan(
      'chat claude-haiku-4-5',
      {
        kind: SpanKind.CLIENT,
        startTime: T0 + 5,
        attributes: {
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-haiku-4-5',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 10,
        },
      },
      trace.setSpan(context.active(), parent),
    );
    child.end(T0 + 900);
    parent.end(T0 + 950);
  }

  it('keeps an instrumented SDK span under the AI SDK call as a span, not a second call', async () => {
    const { projectId, headers } = await newProject();
    const { tracer, spans } = recorder('chat-web');
    callWithChild(tracer, 'ai.generateText.doGenerate');
    const exporter = new ProtoTraceExporter({ url: `${base}/v1/traces`, headers });
    expect(await exportSpans(exporter, spans())).toEqual({ code: 0 });
    await exporter.shutdown();
    expect((await rowsOf(projectId, 'ai.call')).map((c) => c.durationMs)).toEqual([950]);
    expect((await rowsOf(projectId, 'span')).map((s) => s.name)).toEqual(['chat claude-haiku-4-5']);
  });

  it('counts the AI SDK call and its instrumented SDK span once when they arrive in separate exports, in either order', async () => {
    for (const order of ['child first', 'parent first'] as const) {
      const { projectId, headers } = await newProject();
      const { tracer, spans } = recorder('chat-web');
      callWithChild(tracer, 'ai.streamText.doStream');
      const [childSpan, parentSpan] = spans();
      const exporter = new ProtoTraceExporter({ url: `${base}/v1/traces`, headers });
      const batches = order === 'child first' ? [[childSpan!], [parentSpan!]] : [[parentSpan!], [childSpan!]];
      for (const batch of batches) expect(await exportSpans(exporter, batch)).toEqual({ code: 0 });
      // A re-export of both changes nothing.
      expect(await exportSpans(exporter, [childSpan!, parentSpan!])).toEqual({ code: 0 });
      await exporter.shutdown();
      const calls = await rowsOf(projectId, 'ai.call');
      expect(calls, order).toHaveLength(1);
      expect((await rowsOf(projectId, 'span')).length, order).toBe(1);
      const ai = await getAi({ projectId }, parseRange({ range: '24h' }), NO_FILTERS);
      expect(ai.totals.calls, order).toBe(1);
      expect(ai.models[0]!.tokensIn, order).toBe(100);
    }
  });

  it('stores log records from the logs exporters (protobuf and JSON) as log events, a re-export once', async () => {
    const { projectId, headers } = await newProject();
    for (const Exporter of [ProtoLogExporter, JsonLogExporter]) {
      const exporter = new Exporter({ url: `${base}/v1/logs`, headers });
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'worker' }),
        processors: [new SimpleLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger('app');
      const at = T0 + 1000;
      logger.emit({
        timestamp: at,
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: 'queue is deep',
        attributes: { queue: 'emails', depth: 900 },
      });
      logger.emit({
        timestamp: at,
        severityNumber: SeverityNumber.ERROR,
        body: { reason: 'timeout' },
        eventName: 'job.failed',
      });
      await provider.forceFlush();
      await provider.shutdown();
    }
    const logs = await rowsOf(projectId, 'log');
    // Both exporters sent the same two records: stored once.
    expect(logs).toHaveLength(2);
    expect(logs.find((l) => l.level === 'warn')).toMatchObject({
      name: 'app',
      message: 'queue is deep',
      service: 'worker',
    });
    expect(logs.find((l) => l.level === 'warn')!.attributes).toMatchObject({
      data: { queue: 'emails', depth: 900 },
    });
    expect(logs.find((l) => l.level === 'error')).toMatchObject({
      name: 'job.failed',
      message: '{"reason":"timeout"}',
    });
  });

  it('stores metric data points (gauge, counter, histogram) as metric events', async () => {
    const { projectId, headers } = await newProject();
    const exporter = new ProtoMetricExporter({ url: `${base}/v1/metrics`, headers });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'db' }),
      readers: [reader],
    });
    const meter = provider.getMeter('pool');
    meter
      .createObservableGauge('db.pool.usage', { unit: '1' })
      .addCallback((r) => r.observe(0.93, { pool: 'main' }));
    meter.createCounter('quota.hits').add(7, { route: '/api/chat' });
    const latency = meter.createHistogram('db.query.duration', { unit: 'ms' });
    for (const ms of [100, 300, 800]) latency.record(ms);
    await provider.forceFlush();
    await provider.shutdown();
    const metrics = await rowsOf(projectId, 'metric');
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    expect(byName['db.pool.usage']).toMatchObject({ value: 0.93, unit: '1', service: 'db' });
    expect(byName['db.pool.usage']!.attributes).toMatchObject({ labels: { pool: 'main' } });
    expect(byName['quota.hits']).toMatchObject({ value: 7 });
    expect(byName['db.query.duration']).toMatchObject({ value: 400, unit: 'ms' });
    expect(byName['db.query.duration']!.attributes).toMatchObject({
      otel: { kind: 'histogram', count: 3, sum: 1200, min: 100, max: 800 },
    });
  });
});

describe('OTLP receiver against hostile requests', () => {
  const traceRequest = messages.traces.request;
  const spanId = () => randomUUID().replace(/-/g, '').slice(0, 16);
  const traceId = () => randomUUID().replace(/-/g, '');
  const span = (attributes: unknown[] = [], id = spanId()) => ({
    traceId: Buffer.from(traceId(), 'hex'),
    spanId: Buffer.from(id, 'hex'),
    name: 'work',
    kind: 1,
    startTimeUnixNano: String(BigInt(T0) * 1_000_000n),
    endTimeUnixNano: String(BigInt(T0 + 5) * 1_000_000n),
    attributes,
  });
  const protobufOf = (spans: unknown[]) =>
    Buffer.from(
      traceRequest.encode(traceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish(),
    );
  const post = (
    headers: Record<string, string>,
    body: Buffer | string,
    contentType = 'application/x-protobuf',
  ) =>
    fetch(`${base}/v1/traces`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const statusOf = async (res: Response) => {
    const bytes = Buffer.from(await res.arrayBuffer());
    return res.headers.get('content-type') === 'application/x-protobuf'
      ? messages.status.toObject(messages.status.decode(bytes))
      : JSON.parse(bytes.toString('utf8'));
  };

  it('refuses a truncated protobuf body with a 400 that says so, in protobuf, and stores nothing', async () => {
    const { projectId, headers } = await newProject();
    const whole = protobufOf([span(), span()]);
    const res = await post(headers, whole.subarray(0, whole.length - 7));
    expect(res.status).toBe(400);
    expect((await statusOf(res)).message).toMatch(/not a valid OTLP traces protobuf message/);
    expect(await rowsOf(projectId)).toEqual([]);
  });

  it('refuses a content type that is not OTLP with a 415, and a missing key with a 401', async () => {
    const { headers } = await newProject();
    const res = await post(headers, '<spans/>', 'text/xml');
    expect(res.status).toBe(415);
    expect((await statusOf(res)).message).toMatch(/application\/x-protobuf/);
    const anonymous = await post({}, protobufOf([span()]));
    expect(anonymous.status).toBe(401);
    expect((await statusOf(anonymous)).message).toMatch(/API key/);
  });

  it('keeps a span with huge and deeply nested attribute values, cut to the documented bounds', async () => {
    const { projectId, headers } = await newProject();
    let deep: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 0; i < 20; i++) deep = { kvlistValue: { values: [{ key: 'k', value: deep }] } };
    const many = Array.from({ length: 500 }, (_, i) => ({ key: `a${i}`, value: { intValue: String(i) } }));
    const res = await post(
      headers,
      protobufOf([
        span([
          { key: 'huge', value: { stringValue: 'x'.repeat(1_000_000) } },
          { key: 'deep', value: deep },
          ...many,
        ]),
      ]),
    );
    expect(res.status).toBe(200);
    const [row] = await rowsOf(projectId, 'span');
    const attrs = (row!.attributes as { otel: { attributes: Record<string, unknown> } }).otel.attributes;
    expect((attrs.huge as string).length).toBe(4096);
    expect(JSON.stringify(attrs.deep)).toContain('nested deeper than 6 levels');
    expect(attrs['otel.dropped_attributes_count']).toBe(500 + 2 - 128);
  });

  it('answers nesting deeper than the decoders allow with a 400, never a 5xx, in either encoding', async () => {
    const { projectId, headers } = await newProject();
    // An attribute value nested 1,000 levels deep (AnyValue > KeyValueList > KeyValue > AnyValue ...), written by
    // hand: protobufjs refuses to encode past its recursion limit of 100 as it refuses to decode past it.
    const field = (tag: number, bytes: Buffer) =>
      Buffer.concat([Buffer.from([tag]), varint(bytes.length), bytes]);
    const varint = (n: number) => {
      const out = [];
      for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
      out.push(n);
      return Buffer.from(out);
    };
    let value = field(0x0a, Buffer.from('bottom'));
    for (let i = 0; i < 1000; i++) {
      const keyValue = Buffer.concat([field(0x0a, Buffer.from('k')), field(0x12, value)]);
      value = field(0x32, field(0x0a, keyValue));
    }
    const attribute = Buffer.concat([field(0x0a, Buffer.from('deep')), field(0x12, value)]);
    const spanMessage = Buffer.concat([
      field(0x12, Buffer.from(spanId(), 'hex')),
      field(0x2a, Buffer.from('work')),
      field(0x4a, attribute),
    ]);
    const body = field(0x0a, field(0x12, field(0x12, spanMessage)));
    const res = await post(headers, body);
    expect(res.status).toBe(400);
    expect((await statusOf(res)).message).toMatch(/max depth exceeded/);
    // OTLP/JSON nested 50,000 levels deep (2.5 MB): parsed, then walked only 6 levels.
    let json = '{"stringValue":"bottom"}';
    json = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(50_000) + json + '}]}}'.repeat(50_000);
    const deepJson = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"${spanId()}","name":"w","startTimeUnixNano":"${BigInt(T0) * 1_000_000n}","attributes":[{"key":"deep","value":${json}}]}]}]}]}`;
    const jsonRes = await post(headers, deepJson, 'application/json');
    expect(jsonRes.status).toBe(200);
    const [row] = await rowsOf(projectId, 'span');
    expect(JSON.stringify(row!.attributes)).toContain('nested deeper than 6 levels');
  });

  it('refuses 10,000 spans in one request with a 413 that names the limit, storing none', async () => {
    const { projectId, headers } = await newProject();
    const res = await post(headers, protobufOf(Array.from({ length: 10_000 }, () => span())));
    expect(res.status).toBe(413);
    expect((await statusOf(res)).message).toMatch(/at most 2000 per request/);
    expect(await rowsOf(projectId)).toEqual([]);
  });

  it('stores the valid spans of a request, reports the others in partial_success, and a resend stores nothing twice', async () => {
    const { projectId, headers } = await newProject();
    const good = [span(), span()];
    const bad = { ...span(), spanId: Buffer.from('abcd', 'hex') };
    const body = protobufOf([good[0], bad, good[1]]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await post(headers, body);
      expect(res.status).toBe(200);
      const answer = messages.traces.response.toObject(
        messages.traces.response.decode(Buffer.from(await res.arrayBuffer())),
        { longs: Number },
      );
      expect(answer.partialSuccess).toMatchObject({
        rejectedSpans: 1,
        errorMessage: expect.stringMatching(/item 1: spanId/),
      });
    }
    expect(await rowsOf(projectId, 'span')).toHaveLength(2);
    const json = await post(
      headers,
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'zz', name: 'x' }] }] }] }),
      'application/json',
    );
    expect(json.status).toBe(400);
    expect(await statusOf(json)).toMatchObject({
      code: 3,
      message: expect.stringMatching(/All 1 spans were rejected/),
    });
  });
});
