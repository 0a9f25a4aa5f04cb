/**
 * OTLP ingest benchmark: a production server on the machine's Postgres, concurrent clients sending the same model
 * calls two ways, alternating in windows: as OTLP/HTTP protobuf exports of 512 GenAI spans (what the OpenTelemetry
 * SDK's batch span processor sends, serialized by its own serializer) and as POST /api/v1/events batches of the
 * same 512 calls as `ai.call` events. Bodies are built between windows, so windows time the server.
 * Usage: npm run bench:otlp [-- --seconds 20 --window 5 --clients 4]
 */
import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import postgres from 'postgres';
import {
  addCpu,
  ensureBuild,
  machine,
  pause,
  perK,
  post,
  numberArg,
  recreateDatabase,
  startIngestServer,
  watchPeakRss,
  window,
  zeroCpu,
} from './lib';

const SECONDS = numberArg('seconds', 20);
const WINDOW = numberArg('window', 5);
const CLIENTS = numberArg('clients', 4);
const BATCH = 512;
const DB_NAME = 'chatwatch_bench_otlp';
const API_KEY = 'cw_bench_key_' + 'o'.repeat(40);
const AUTH = { Authorization: `Bearer ${API_KEY}` };

const memory = new InMemorySpanExporter();
const tracer = new NodeTracerProvider({
  resource: resourceFromAttributes({
    'service.name': 'chat-api',
    'deployment.environment.name': 'production',
  }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
}).getTracer('bench');

/** One model call: its duration, TTFT and tokens, the same whichever way it is sent. */
function call(n: number, t: number) {
  return {
    start: t - 2000 - (n % 900),
    durationMs: 800 + (n % 900),
    ttftMs: 200 + (n % 300),
    input: 900 + (n % 500),
    cacheRead: n % 3 ? 4000 : 0,
    output: 200 + (n % 400),
    user: `u${n % 5000}`,
  };
}

/** 512 GenAI spans in the current conventions, serialized as the SDK's OTLP/proto exporter sends them. */
function otlpBody(first: number): Uint8Array {
  const t = Date.now();
  memory.reset();
  for (let n = first; n < first + BATCH; n++) {
    const c = call(n, t);
    tracer
      .startSpan('chat claude-sonnet-4-5', {
        kind: SpanKind.CLIENT,
        startTime: c.start,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.response.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': c.input + c.cacheRead,
          'gen_ai.usage.cache_read.input_tokens': c.cacheRead,
          'gen_ai.usage.output_tokens': c.output,
          'gen_ai.response.time_to_first_chunk': c.ttftMs / 1000,
          'user.id': c.user,
        },
      })
      .end(c.start + c.durationMs);
  }
  return ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!;
}

/** The same 512 calls as our own events. */
function eventsBody(run: string, first: number): string {
  const t = Date.now();
  return JSON.stringify({
    events: Array.from({ length: BATCH }, (_, i) => {
      const n = first + i;
      const c = call(n, t);
      return {
        type: 'ai.call',
        id: `${run}-${n}`,
        timestamp: c.start,
        service: 'chat-api',
        environment: 'production',
        userId: c.user,
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        durationMs: c.durationMs,
        timeToFirstTokenMs: c.ttftMs,
        inputTokens: c.input,
        cacheReadTokens: c.cacheRead,
        outputTokens: c.output,
      };
    }),
  });
}

async function main() {
  console.log(`machine: ${machine()}`);
  await ensureBuild();
  const dbUrl = new URL(await recreateDatabase(DB_NAME));
  const server = await startIngestServer(dbUrl.toString(), API_KEY);
  const peak = watchPeakRss(server.child.pid!);
  const run = randomUUID().slice(0, 8);
  let built = 0;
  let budget = 40_000 * WINDOW; // calls a window may need; then 1.5x the fastest window so far
  let builtLate = 0;
  const sides = {
    otlp: { events: 0, seconds: 0, cpu: zeroCpu(), failures: {} as Record<string, number> },
    events: { events: 0, seconds: 0, cpu: zeroCpu(), failures: {} as Record<string, number> },
  };
  const rounds: { otlp: number; events: number }[] = [];
  for (let round = 0; round <= Math.ceil(SECONDS / WINDOW); round++) {
    const counted = round > 0;
    const rates = { otlp: 0, events: 0 };
    for (const side of ['otlp', 'events'] as const) {
      const build = () => {
        const first = built;
        built += BATCH;
        return side === 'otlp' ? otlpBody(first) : eventsBody(run, first);
      };
      const bodies = Array.from({ length: Math.ceil(budget / BATCH) }, build);
      await pause();
      const result = await window(CLIENTS, WINDOW, server.child.pid!, async () => {
        let body = bodies.pop();
        if (body === undefined) {
          builtLate++;
          body = build();
        }
        const res =
          side === 'otlp'
            ? await post(`${server.url}/api/otlp/v1/traces`, body, AUTH, 'application/x-protobuf')
            : await post(`${server.url}/api/v1/events`, body, AUTH);
        if (res.status === 200) return BATCH;
        sides[side].failures[res.status] = (sides[side].failures[res.status] ?? 0) + 1;
        return 0;
      });
      rates[side] = result.count / result.seconds;
      budget = Math.max(budget, 1.5 * WINDOW * rates[side]);
      if (!counted) continue;
      sides[side].events += result.count;
      sides[side].seconds += result.seconds;
      addCpu(sides[side].cpu, result.cpu);
    }
    if (counted) rounds.push(rates);
  }
  await new Promise((r) => setTimeout(r, 500));
  const peakMiB = peak.stop();
  server.stop();
  const sql = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });
  const [{ calls, distinct }] = (await sql`
    select count(*)::int as calls, count(distinct event_id)::int as distinct from events where type = 'ai.call'`) as unknown as [
    { calls: number; distinct: number },
  ];
  await sql.end();
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const rate = (s: (typeof sides)['otlp']) => s.events / s.seconds;
  const lines = [
    `${rounds.length} rounds of ${WINDOW} s OTLP + ${WINDOW} s events after one warm-up round, clients: ${CLIENTS}, batch: ${BATCH} calls`,
    ...rounds.map(
      (r, i) =>
        `  round ${i + 1}: OTLP ${fmt(r.otlp)} calls/s, events ${fmt(r.events)} calls/s, ratio ${(r.otlp / r.events).toFixed(2)}`,
    ),
    `non-200: OTLP ${JSON.stringify(sides.otlp.failures)}, events ${JSON.stringify(sides.events.failures)}; ai.call rows stored ${calls}, distinct ids ${distinct}; bodies built inside a window (should be 0): ${builtLate}`,
    ...(['otlp', 'events'] as const).map(
      (side) =>
        `${side === 'otlp' ? 'OTLP protobuf' : 'own events  '}: ${fmt(rate(sides[side]))} calls/s; CPU per 1,000 calls: server ${perK(sides[side].cpu.server, sides[side].events)}, postgres ${perK(sides[side].cpu.postgres, sides[side].events)}`,
    ),
    `OTLP / events: ${(rate(sides.otlp) / rate(sides.events)).toFixed(2)}`,
    `server peak RSS: ${peakMiB.toFixed(0)} MiB`,
  ];
  console.log('\n' + lines.join('\n'));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
