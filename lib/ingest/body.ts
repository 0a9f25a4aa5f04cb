import { AppError } from '@/lib/http/errors';
import { BODY_READ_TIMEOUT_MS, MAX_BODY_BYTES } from './limits';

export type ReadBodyOptions = {
  limit?: number;
  deadlineMs?: number;
  emptyHint?: string;
  /** Also take `text/plain` (what `navigator.sendBeacon` sends for a string): browser keys only. */
  textPlain?: boolean;
};

/** Reads a JSON body within the bounds of `readBody` and parses it. */
export async function readJsonBody(request: Request, options: ReadBodyOptions = {}): Promise<unknown> {
  const contentType = (request.headers.get('content-type') ?? '').trim();
  const json = /^application\/(.+\+)?json\b/i.test(contentType);
  if (!json && !(options.textPlain && /^text\/plain\b/i.test(contentType))) {
    throw new AppError(
      'unsupported_media_type',
      options.textPlain
        ? 'Send the body as JSON with "Content-Type: application/json" or "text/plain".'
        : 'Send the body as JSON with "Content-Type: application/json".',
    );
  }
  const text = (await readBody(request, options)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError(
      'bad_request',
      `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    );
  }
}

/**
 * Reads a body of any type, gunzipping as it goes, and stops as soon as the decompressed size passes `limit`, so
 * neither a large body nor a gzip bomb is ever held in memory whole, or as soon as `deadlineMs` have passed, so a
 * body dribbled a byte at a time cannot hold the request open.
 */
export async function readBody(
  request: Request,
  {
    limit = MAX_BODY_BYTES,
    deadlineMs = BODY_READ_TIMEOUT_MS,
    emptyHint = 'send {"events": [...]}',
  }: ReadBodyOptions = {},
): Promise<Buffer> {
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new AppError(
      'unsupported_media_type',
      `Content-Encoding "${encoding.slice(0, 32)}" is not supported; send gzip or no encoding.`,
    );
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (encoding === 'identity' && declared > limit) throw tooLarge(limit);
  if (!request.body) throw new AppError('bad_request', `The body is empty; ${emptyHint}.`);

  const stream =
    encoding === 'gzip' ? request.body.pipeThrough(new DecompressionStream('gzip')) : request.body;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow(deadlineMs)), deadlineMs);
  });
  deadline.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } catch (error) {
    // Not awaited: a sender that stalls must not hold the answer, and the stream settles on its own.
    reader.cancel().catch(() => {});
    if (error instanceof AppError) throw error;
    throw new AppError(
      'bad_request',
      'The body could not be read; if it is gzip-compressed, check the compression.',
    );
  } finally {
    clearTimeout(timer);
  }
  if (size === 0) throw new AppError('bad_request', `The body is empty; ${emptyHint}.`);
  return Buffer.concat(chunks, size);
}

function tooSlow(deadlineMs: number) {
  return new AppError(
    'bad_request',
    `The body did not arrive within ${deadlineMs / 1000} s; send it at once, or send fewer events per request.`,
  );
}

function tooLarge(limit: number) {
  return new AppError(
    'payload_too_large',
    `The body is larger than ${limit / 1024 / 1024} MiB after decompression; send fewer events per request.`,
  );
}
