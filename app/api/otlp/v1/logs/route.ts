import { receive } from '@/app/api/otlp/v1/receive';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** OTLP/HTTP logs: `OTEL_EXPORTER_OTLP_ENDPOINT=<dashboard>/api/otlp` with an ingest key as Bearer token. */
export const POST = (request: Request) => receive('logs', request);
