import { describe, expect, it } from 'vitest';
import { anyValue, attributes, cut } from './attributes';
import { decodeRequest, encodeResponse, encodingOf, enumValue, hexId, nanos } from './decode';
import { levelOf, mapLogs } from './logs';
import { mapMetrics } from './metrics';
import { messages } from './proto';
import { mapSpans, routeOfPath, tokens } from './traces';

const T = '1764806400000000000'; // 2025-12-04T00:00:00Z in nanoseconds
const T_MS = 1764806400000;

describe('OTLP values', () => {
  it('reads every AnyValue kind from protobuf objects and OTLP/JSON alike', () => {
    expect(anyValue({ stringValue: 'a' })).toBe('a');
    expect(anyValue({ boolValue: false })).toBe(false);
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ intValue: 42 })).toBe(42);
    expect(anyValue({ intValue: '9223372036854775807' })).toBe('9223372036854775807');
    expect(anyValue({ doubleValue: 0.5 })).toBe(0.5);
    expect(anyValue({ doubleValue: 'NaN' })).toBe('NaN');
    expect(anyValue({ bytesValue: Buffer.from([1, 2]) })).toBe('AQI=');
    expect(anyValue({ arrayValue: { values: [{ stringValue: 'x' }, { intValue: '1' }] } })).toEqual(['x', 1]);
    expect(anyValue({ kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } })).toEqual({
      k: true,
    });
    expect(anyValue({ arrayValue: {} })).toEqual([]);
    expect(anyValue({})).toBeNull();
    expect(anyValue(null)).toBeNull();
  });

  it('cuts long strings with an ellipsis, never inside a surrogate pair, and replaces NUL characters', () => {
    expect(cut('a\u0000b')).toBe('a\uFFFDb');
    expect(anyValue({ stringValue: 'x\u0000' })).toBe('x\uFFFD');
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('abc', 4)).toBe('abc');
  });

  it('bounds nesting, values and attribute count', () => {
    let deep: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 10; i++) deep = { arrayValue: { values: [deep] } };
    expect(JSON.stringify(anyValue(deep))).toBe('[[[[[["[nested deeper than 6 levels]"]]]]]]');
    const wide = { arrayValue: { values: Array.from({ length: 1000 }, () => ({ intValue: 1 })) } };
    expect((anyValue(wide) as unknown[]).length).toBe(256);
    const many = Array.from({ length: 130 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    const attrs = attributes(many);
    expect(Object.keys(attrs)).toHaveLength(129);
    expect(attrs['otel.dropped_attributes_count']).toBe(2);
  });

  it('reads ids, times and enums the way each encoding writes them', () => {
    expect(hexId(Buffer.from('0102030405060708', 'hex'), 8)).toBe('0102030405060708');
    expect(hexId('0102030405060708', 8)).toBe('0102030405060708');
    expect(hexId('ABCDEF0123456789', 8)).toBe('abcdef0123456789');
    expect(hexId('0000000000000000', 8)).toBeUndefined();
    expect(hexId('', 8)).toBeUndefined();
    expect(hexId('xyz', 8)).toBeNull();
    expect(hexId(Buffer.from([1]), 8)).toBeNull();
    expect(nanos(T)).toBe(BigInt(T));
    expect(nanos(1_000)).toBe(1000n);
    expect(nanos(1764806400000000000)).toBe(1764806400000000000n);
    expect(nanos('0')).toBeUndefined();
    expect(nanos('-5')).toBeUndefined();
    expect(
      enumValue('SPAN_KIND_SERVER', ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER']),
    ).toBe(2);
    expect(enumValue(3, [])).toBe(3);
  });

  it('knows OTLP content types and answers partial success in the request encoding', () => {
    expect(encodingOf('application/x-protobuf')).toBe('protobuf');
    expect(encodingOf('application/json; charset=utf-8')).toBe('json');
    expect(() => encodingOf('text/plain')).toThrow(/application\/x-protobuf/);
    expect(JSON.parse(encodeResponse('logs', 'json', 0, '').body as string)).toEqual({});
    expect(JSON.parse(encodeResponse('logs', 'json', 2, 'bad').body as string)).toEqual({
      partialSuccess: { rejectedLogRecords: 2, errorMessage: 'bad' },
    });
    const proto = encodeResponse('metrics', 'protobuf', 3, 'why');
    const decoded = messages.metrics.response.toObject(
      messages.metrics.response.decode(proto.body as Uint8Array),
      {
        longs: Number,
      },
    );
    expect(decoded).toEqual({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'why' } });
  });

  it('decodes a protobuf request to the same shape the JSON encoding has', () => {
    const request = messages.logs.request;
    const bytes = request
      .encode(
        request.fromObject({
          resourceLogs: [
            {
              scopeLogs: [
                { logRecords: [{ timeUnixNano: T, severityNumber: 13, body: { stringValue: 'hi' } }] },
              ],
            },
          ],
        }),
      )
      .finish();
    expect(decodeRequest('logs', 'protobuf', Buffer.from(bytes))).toEqual({
      resourceLogs: [
        {
          scopeLogs: [{ logRecords: [{ timeUnixNano: T, severityNumber: 13, body: { stringValue: 'hi' } }] }],
        },
      ],
    });
    expect(() => decodeRequest('logs', 'json', Buffer.from('[1]'))).toThrow(/export request object/);
  });
});

describe('token counts', () => {
  it('takes the cache out of totals that include it (GenAI conventions, AI SDK)', () => {
    expect(
      tokens({
        'gen_ai.usage.input_tokens': 4200,
        'gen_ai.usage.cache_read.input_tokens': 3000,
        'gen_ai.usage.cache_creation.input_tokens': 200,
        'gen_ai.usage.output_tokens': 10,
      }),
    ).toEqual({ inputTokens: 1000, outputTokens: 10, cacheReadTokens: 3000, cacheWriteTokens: 200 });
    expect(
      tokens({
        'ai.usage.inputTokens': 1500,
        'ai.usage.inputTokenDetails.noCacheTokens': 1200,
        'ai.usage.cachedInputTokens': 300,
      }),
    ).toEqual({ inputTokens: 1200, cacheReadTokens: 300 });
    expect(tokens({ 'gen_ai.usage.prompt_tokens': '800', 'gen_ai.usage.completion_tokens': 100 })).toEqual({
      inputTokens: 800,
      outputTokens: 100,
    });
    // A total below its cache tokens cannot include them (Anthropic's input_tokens under the convention's name).
    expect(tokens({ 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 50 })).toEqual({
      inputTokens: 10,
      cacheReadTokens: 50,
    });
    expect(
      tokens({
        'gen_ai.usage.input_tokens': 80,
        'gen_ai.usage.cache_read.input_tokens': 50,
        'gen_ai.usage.cache_creation.input_tokens': 30,
      }),
    ).toEqual({ inputTokens: 0, cacheReadTokens: 50, cacheWriteTokens: 30 });
    expect(tokens({})).toEqual({});
  });
});

describe('span mapping (OTLP/JSON)', () => {
  const span = (over: Record<string, unknown>) => ({
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'x',
    kind: 1,
    startTimeUnixNano: T,
    endTimeUnixNano: String(BigInt(T) + 2_500_000n),
    ...over,
  });
  const request = (...spans: unknown[]) => ({
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'api' } },
            { key: 'service.version', value: { stringValue: '1.2.3' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'lib' }, spans }],
      },
    ],
  });
  const attr = (key: string, value: unknown) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'number'
          ? { intValue: String(value) }
          : value,
  });

  it('maps an HTTP server span to http.request with route, status and method', () => {
    const mapped = mapSpans(
      request(
        span({
          kind: 'SPAN_KIND_SERVER',
          attributes: [
            attr('http.route', '/api/chat'),
            attr('http.response.status_code', 503),
            attr('http.request.method', 'POST'),
          ],
        }),
      ),
    );
    expect(mapped.events).toEqual([
      {
        service: 'api',
        release: '1.2.3',
        timestamp: T_MS,
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        type: 'http.request',
        id: 'eee19b7ec3c1b174',
        route: '/api/chat',
        status: 503,
        durationMs: 2.5,
        method: 'POST',
      },
    ]);
  });

  it('turns each exception event into an error, and a failed span without one into one error', () => {
    const withException = span({
      status: { code: 2, message: 'boom' },
      events: [
        {
          name: 'exception',
          timeUnixNano: T,
          attributes: [attr('exception.type', 'TypeError'), attr('exception.message', 'x is undefined')],
        },
      ],
    });
    const failed = span({ spanId: 'aaa19b7ec3c1b174', status: { code: 'STATUS_CODE_ERROR' }, name: 'job' });
    const mapped = mapSpans(request(withException, failed));
    expect(mapped.events.map((e) => [e.type, e.id, e.errorType ?? e.status, e.message])).toEqual([
      ['span', 'eee19b7ec3c1b174', 'error', undefined],
      ['error', 'eee19b7ec3c1b174.exception.0', 'TypeError', 'x is undefined'],
      ['span', 'aaa19b7ec3c1b174', 'error', undefined],
      ['error', 'aaa19b7ec3c1b174.error', 'SpanError', 'job failed'],
    ]);
    expect(mapped.items).toEqual([0, 0, 1, 1]);
  });

  it('rejects a span without a usable id or start, by its index', () => {
    const mapped = mapSpans(
      request(span({ spanId: 'nothex' }), span({ startTimeUnixNano: '0', endTimeUnixNano: '0' }), span({})),
    );
    expect(mapped.rejections).toEqual([
      { index: 0, message: expect.stringMatching(/^spanId/) },
      { index: 1, message: expect.stringMatching(/^startTimeUnixNano/) },
    ]);
    expect(mapped.total).toBe(3);
    expect(mapped.items).toEqual([2]);
  });

  it('treats a GenAI embeddings span as a span, not a model call', () => {
    const mapped = mapSpans(
      request(
        span({
          attributes: [
            attr('gen_ai.operation.name', 'embeddings'),
            attr('gen_ai.provider.name', 'openai'),
            attr('gen_ai.request.model', 'text-embedding-3'),
          ],
        }),
      ),
    );
    expect(mapped.events.map((e) => e.type)).toEqual(['span']);
  });
});

describe('logs and metrics', () => {
  it('maps severity numbers and texts to levels', () => {
    expect([1, 5, 9, 13, 17, 21, 24].map((n) => levelOf(n))).toEqual([
      'debug',
      'debug',
      'info',
      'warn',
      'error',
      'critical',
      'critical',
    ]);
    expect(levelOf(0, 'WARNING')).toBe('warn');
    expect(levelOf(0, 'Fatal')).toBe('critical');
    expect(levelOf(0)).toBe('info');
  });

  it('gives a log record the same id each time it is sent, and another record another id', () => {
    const record = (body: string) => ({ timeUnixNano: T, severityNumber: 9, body: { stringValue: body } });
    const request = {
      resourceLogs: [{ scopeLogs: [{ logRecords: [record('a'), record('a'), record('b'), {}] }] }],
    };
    const mapped = mapLogs(request);
    const ids = mapped.events.map((e) => e.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(mapped.rejections).toEqual([{ index: 3, message: expect.stringMatching(/^timeUnixNano/) }]);
    expect(mapLogs(request).events.map((e) => e.id)).toEqual(ids);
  });

  it('keeps attribute keys that name Object.prototype members as plain keys', () => {
    const attrs = [
      { key: '__proto__', value: { stringValue: 'x' } },
      { key: 'constructor', value: { stringValue: 'y' } },
    ];
    const mapped = mapMetrics({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'm', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: attrs }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(Object.entries(mapped.events[0]!.labels as object)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.entries(attributes(attrs))).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('maps gauge, sum, histogram and summary points, skipping empty intervals', () => {
    const point = (value: Record<string, unknown>) => ({
      timeUnixNano: T,
      attributes: [{ key: 'host', value: { stringValue: 'a' } }],
      ...value,
    });
    const mapped = mapMetrics({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'cpu', unit: '1', gauge: { dataPoints: [point({ asDouble: 0.9 })] } },
                { name: 'jobs', sum: { dataPoints: [point({ asInt: '12' })] } },
                {
                  name: 'lat',
                  histogram: {
                    dataPoints: [point({ count: '4', sum: 100, min: 5, max: 60 }), point({ count: '0' })],
                  },
                },
                { name: 'sz', summary: { dataPoints: [point({ count: 2, sum: 3 })] } },
                { gauge: { dataPoints: [point({ asDouble: 1 })] } },
                { name: 'nan', gauge: { dataPoints: [point({ asDouble: 'NaN' })] } },
              ],
            },
          ],
        },
      ],
    });
    expect(mapped.events.map((e) => [e.name, e.value, e.labels])).toEqual([
      ['cpu', 0.9, { host: 'a' }],
      ['jobs', 12, { host: 'a' }],
      ['lat', 25, { host: 'a' }],
      ['sz', 1.5, { host: 'a' }],
    ]);
    expect(mapped.rejections.map((r) => r.message)).toEqual([
      'metric.name: required',
      'nan: the data point has no finite value',
    ]);
  });
  it('tells records and points apart by everything they hold: resource, scope, event name, uncut body and labels', () => {
    const long = 'x'.repeat(5000);
    const resource = (instance: string) => ({
      attributes: [
        { key: 'service.name', value: { stringValue: 'api' } },
        { key: 'service.instance.id', value: { stringValue: instance } },
      ],
    });
    const record = (over: Record<string, unknown>) => ({ timeUnixNano: T, severityNumber: 9, ...over });
    const logs = mapLogs({
      resourceLogs: [
        {
          resource: resource('a'),
          scopeLogs: [
            {
              scope: { name: 'one' },
              logRecords: [
                record({ body: { stringValue: `${long}1` } }),
                record({ body: { stringValue: `${long}2` } }),
                record({ body: { stringValue: 'same' }, eventName: 'e1' }),
                record({ body: { stringValue: 'same' }, eventName: 'e2' }),
              ],
            },
            {
              scope: { name: 'two' },
              logRecords: [record({ body: { stringValue: 'same' }, eventName: 'e1' })],
            },
          ],
        },
        {
          resource: resource('b'),
          scopeLogs: [
            {
              scope: { name: 'one' },
              logRecords: [record({ body: { stringValue: 'same' }, eventName: 'e1' })],
            },
          ],
        },
      ],
    });
    // The first two are cut alike yet differ past the cut.
    expect(logs.events[0]!.message).toBe(logs.events[1]!.message);
    expect(new Set(logs.events.map((e) => e.id)).size).toBe(6);
    const point = (value: string) => ({
      timeUnixNano: T,
      asDouble: 0.5,
      attributes: [{ key: 'path', value: { stringValue: `${'p'.repeat(300)}${value}` } }],
    });
    const metrics = mapMetrics({
      resourceMetrics: ['a', 'b'].map((instance) => ({
        resource: resource(instance),
        scopeMetrics: [{ metrics: [{ name: 'cpu', gauge: { dataPoints: [point('1'), point('2')] } }] }],
      })),
    });
    expect(metrics.events).toHaveLength(4);
    expect(new Set(metrics.events.map((e) => e.id)).size).toBe(4);
  });
});

describe('bounds of one span', () => {
  const span = (over: Record<string, unknown>) => ({
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'ai.streamText.doStream',
    kind: 3,
    startTimeUnixNano: T,
    endTimeUnixNano: String(BigInt(T) + 2_500_000n),
    ...over,
  });
  const request = (...spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

  it('drops the largest attributes past 32 KiB, keeping the mapped ones, and counts them', () => {
    const big = Array.from({ length: 17 }, (_, i) => ({
      key: `ai.prompt.part${i}`,
      value: { stringValue: `${i}`.repeat(4096) },
    }));
    const mapped = mapSpans(
      request(
        span({
          attributes: [
            { key: 'ai.operationId', value: { stringValue: 'ai.streamText.doStream' } },
            { key: 'ai.model.id', value: { stringValue: 'claude-sonnet-4-5' } },
            { key: 'ai.usage.inputTokens', value: { intValue: '1200' } },
            ...big,
          ],
        }),
        span({ spanId: 'aaa19b7ec3c1b174', name: 'tool', attributes: big }),
      ),
    );
    expect(mapped.events[0]).toMatchObject({
      type: 'ai.call',
      model: 'claude-sonnet-4-5',
      inputTokens: 1200,
    });
    const tool = mapped.events[1]!;
    const attrs = (tool.otel as { attributes: Record<string, unknown> }).attributes;
    expect(Buffer.byteLength(JSON.stringify(attrs))).toBeLessThanOrEqual(32 * 1024 + 64);
    expect(attrs['otel.dropped_attributes_count']).toBeGreaterThanOrEqual(9);
    expect(Buffer.byteLength(JSON.stringify(tool))).toBeLessThan(64 * 1024);
  });

  it('counts arrays and lists at their size when fitting attributes', () => {
    const messages = {
      arrayValue: { values: Array.from({ length: 20 }, () => ({ stringValue: 'm'.repeat(4000) })) },
    };
    const mapped = mapSpans(
      request(span({ name: 'tool', attributes: [{ key: 'gen_ai.input.messages', value: messages }] })),
    );
    const event = mapped.events[0]!;
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(64 * 1024);
    expect(
      (event.otel as { attributes: Record<string, unknown> }).attributes['otel.dropped_attributes_count'],
    ).toBe(1);
  });

  it('turns at most 16 exception events of one span into errors', () => {
    const events = Array.from({ length: 40 }, () => ({
      name: 'exception',
      timeUnixNano: T,
      attributes: [{ key: 'exception.type', value: { stringValue: 'RetryError' } }],
    }));
    const mapped = mapSpans(request(span({ name: 'loop', events })));
    expect(mapped.events.filter((e) => e.type === 'error')).toHaveLength(16);
  });

  it('folds the ids of a path into :id when a server span has no route template', () => {
    expect(routeOfPath('/users/12345/orders/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f?x=1')).toBe(
      '/users/:id/orders/:id',
    );
    expect(routeOfPath('/t/5f2b9c0a1d3e4f67a8b9')).toBe('/t/:id');
    expect(routeOfPath('/api/chat')).toBe('/api/chat');
    expect(routeOfPath('/docs/getting-started-guide')).toBe('/docs/getting-started-guide');
  });

  it('maps one model-call span to one event, whatever its parent', () => {
    const genAi = (spanId: string, parentSpanId?: string) =>
      span({
        spanId,
        name: 'chat claude',
        ...(parentSpanId ? { parentSpanId } : {}),
        attributes: [
          { key: 'gen_ai.provider.name', value: { stringValue: 'anthropic' } },
          { key: 'gen_ai.request.model', value: { stringValue: 'claude-sonnet-4-5' } },
        ],
      });
    const mapped = mapSpans(
      request(genAi('aaa19b7ec3c1b174'), genAi('bbb19b7ec3c1b174', 'ccc19b7ec3c1b174')),
    );
    expect(mapped.events.map((e) => [e.type, e.id])).toEqual([
      ['ai.call', 'aaa19b7ec3c1b174'],
      ['ai.call', 'bbb19b7ec3c1b174'],
    ]);
    expect(mapped.orphanCalls).toEqual([{ item: 1, parentSpanId: 'ccc19b7ec3c1b174' }]);
  });
});
