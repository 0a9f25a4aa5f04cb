import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { expect, test } from '@playwright/test';
import { E2E_API_KEY, E2E_PORT } from '../helpers/env';

test.describe('OTLP receiver on the production server', () => {
  test('a protobuf export from the OpenTelemetry SDK lands on the AI dashboard API', async ({ request }) => {
    // A model name of this run only, so the figures below are this test's alone.
    const model = `claude-haiku-4-5-e2e-${randomUUID().slice(0, 8)}`;
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'chat-e2e' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('e2e');
    const start = Date.now() - 60_000;
    for (let i = 0; i < 3; i++) {
      tracer
        .startSpan(`chat ${model}`, {
          kind: SpanKind.CLIENT,
          startTime: start + i * 1000,
          attributes: {
            'gen_ai.provider.name': 'anthropic',
            'gen_ai.request.model': model,
            'gen_ai.usage.input_tokens': 1000,
            'gen_ai.usage.output_tokens': 200,
          },
        })
        .end(start + i * 1000 + 700);
    }
    const exporter = new OTLPTraceExporter({
      url: `http://localhost:${E2E_PORT}/api/otlp/v1/traces`,
      headers: { Authorization: `Bearer ${E2E_API_KEY}` },
    });
    const result = await new Promise<{ code: number }>((resolve) =>
      exporter.export(memory.getFinishedSpans(), resolve),
    );
    expect(result.code).toBe(0);
    await exporter.shutdown();

    const res = await request.get(`/api/v1/stats/ai?range=24h&model=${encodeURIComponent(model)}`);
    expect(res.status()).toBe(200);
    const ai = await res.json();
    expect(ai.totals.calls).toBe(3);
    expect(ai.models).toMatchObject([{ model, calls: 3, tokensIn: 3000, tokensOut: 600 }]);
  });

  test('answers in the request encoding, with the security headers the ingest routes set', async ({
    request,
  }) => {
    const res = await request.post('/api/otlp/v1/logs', {
      headers: { 'Content-Type': 'application/json' },
      data: {
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), body: { stringValue: 'hello' } },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/json');
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(await res.json()).toEqual({});
  });
});
