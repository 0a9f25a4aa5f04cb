import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { MAX_BROWSER_BODY_BYTES, MAX_BROWSER_EVENTS_PER_BATCH } from '../ingest/limits';
import { parseRetryAfter, retryDelay } from './retry';

/**
 * What a page reports about itself, with a browser key: page views (client-side route changes included), Core Web
 * Vitals (LCP, INP, CLS, FCP, TTFB, from Google's `web-vitals`), uncaught errors and unhandled rejections, and any
 * feedback the page tracks. Events are queued and sent as text/plain JSON (a CORS-safelisted type: no preflight),
 * every few seconds with `fetch(..., { keepalive })` and with `navigator.sendBeacon` when the page is hidden, in
 * requests within the API's limits for a browser key (50 events, 64 KiB). After a failure sending pauses (backoff,
 * or the server's Retry-After); after repeated failures without an answer it stops for the page load.
 * Bundled into `public/chatwatch.js` (`npm run build:browser`) for pages that do not bundle it.
 */

export type BrowserOptions = {
  /** The dashboard's address, e.g. https://monitor.example.com. */
  url: string;
  /** A browser key (`cw_pub_...`) whose allowed origins include this page's. */
  key: string;
  userId?: string;
  service?: string;
  release?: string;
  environment?: string;
  /** How often queued events are sent; default 5 s. */
  flushIntervalMs?: number;
};

export type BrowserEvent =
  | { type: 'page.view'; path: string }
  | { type: 'web.vital'; name: Metric['name']; value: number; path?: string }
  | { type: 'error'; errorType: string; message: string; stack?: string; route?: string }
  | { type: 'feedback'; score: number; messageId?: string; comment?: string };

export type BrowserMonitor = {
  track: (event: BrowserEvent) => void;
  identify: (userId: string | undefined) => void;
  flush: () => void;
  /** Stops reporting: listeners removed, the History API unwrapped, nothing queued or sent afterwards. */
  stop: () => void;
  /**
   * Events given up on: too large for a request, pushed out of a full queue, refused by the server (a 4xx other
   * than 429), or queued when sending stopped for good after repeated failures.
   */
  readonly dropped: number;
};

/** Events per request: what the API accepts with a browser key. */
const MAX_BATCH = MAX_BROWSER_EVENTS_PER_BATCH;
/**
 * The JSON body of one request, in UTF-8 bytes: under the API's 64 KiB for a browser key, which is also what a
 * keepalive fetch or `navigator.sendBeacon` may have in flight. An event that alone would exceed it is dropped.
 */
const MAX_REQUEST_BYTES = MAX_BROWSER_BODY_BYTES - 4096;
/** `{"events":[` and `]}` around the events. */
const ENVELOPE_BYTES = 13;
/** Queued events kept while the dashboard cannot be reached; older ones are dropped first. */
const MAX_QUEUE = 500;
/** Errors reported per page load: a render loop that throws must not flood the project. */
const MAX_ERRORS = 25;
/** After a failed request, sending pauses: 5 s doubling up to 5 min (with jitter), or what Retry-After asks. */
const BACKOFF = { baseMs: 5000, maxMs: 5 * 60_000 };
/**
 * Requests in a row that got no readable answer before sending stops for this page load. A refused key or origin
 * (401/403 without CORS headers) looks exactly like a network error to the page, and would never get better.
 */
const MAX_NETWORK_FAILURES = 5;

type Queued = { json: string; bytes: number };

export function startBrowserMonitoring(options: BrowserOptions): BrowserMonitor {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/events?key=${encodeURIComponent(options.key)}`;
  const sessionId = sessionOf();
  const common = {
    sessionId,
    ...(options.service ? { service: options.service } : {}),
    ...(options.release ? { release: options.release } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  };
  const encoder = new TextEncoder();
  let userId = options.userId;
  /** Each event as the JSON it is sent as, with its UTF-8 size. */
  let queue: Queued[] = [];
  let errors = 0;
  let lastPath = '';
  let dropped = 0;
  /** A fetch is in flight: one at a time, so a backlog never has more than one request's bytes in flight. */
  let sending = false;
  /** Failed requests in a row (any kind), for the backoff; and those without a readable answer. */
  let failures = 0;
  let networkFailures = 0;
  /** Nothing is sent before this time (Date.now()). */
  let resumeAt = 0;
  /** Stopped, or gave up after repeated failures: nothing is queued or sent any more. */
  let halted = false;
  const cleanups: (() => void)[] = [];

  const path = () => location.pathname;
  // Vitals measure the document's load (LCP, FCP, TTFB) and its life (INP, CLS): they belong to the path it was
  // loaded at, not to the route a client-side router shows when they are reported.
  const documentPath = path();
  const track = (event: BrowserEvent) => {
    if (halted || (event.type === 'error' && ++errors > MAX_ERRORS)) return;
    let json: string;
    try {
      json = JSON.stringify({
        ...common,
        ...(userId ? { userId } : {}),
        ...event,
        id: randomId(),
        timestamp: new Date().toISOString(),
      });
    } catch {
      dropped++; // a value JSON cannot hold (a cycle, a BigInt) in an event tracked by the page
      return;
    }
    const bytes = encoder.encode(json).length;
    // Alone over a request's budget: it could never be sent.
    if (ENVELOPE_BYTES + bytes > MAX_REQUEST_BYTES) {
      dropped++;
      return;
    }
    requeue([{ json, bytes }], false);
    if (queue.length >= MAX_BATCH) flush();
  };

  /** Puts events back in the queue (first, when they were taken from it), keeping the newest MAX_QUEUE. */
  const requeue = (events: Queued[], first: boolean) => {
    queue = first ? [...events, ...queue] : [...queue, ...events];
    if (queue.length > MAX_QUEUE) {
      dropped += queue.length - MAX_QUEUE;
      queue = queue.slice(-MAX_QUEUE);
    }
  };

  /** Takes the next request off the queue: at most MAX_BATCH events and MAX_REQUEST_BYTES of JSON. */
  const take = () => {
    let count = 0;
    let size = ENVELOPE_BYTES;
    while (
      count < queue.length &&
      count < MAX_BATCH &&
      size + (count ? 1 : 0) + queue[count]!.bytes <= MAX_REQUEST_BYTES
    ) {
      size += (count ? 1 : 0) + queue[count]!.bytes;
      count++;
    }
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    return { batch, body: `{"events":[${batch.map((event) => event.json).join(',')}]}` };
  };

  const backOff = (retryAfterMs?: number) => {
    resumeAt = Date.now() + retryDelay(failures++, retryAfterMs, BACKOFF);
  };
  const giveUp = (batch: Queued[]) => {
    halted = true;
    dropped += batch.length + queue.length;
    queue = [];
    clearInterval(timer);
    console.warn('chatwatch: stopped sending events: check the browser key and its allowed origins');
  };

  /** Sends what is queued; `beacon` when the page may be going away (the browser sends it after unload). */
  const send = (beacon: boolean) => {
    if (halted || Date.now() < resumeAt) return;
    if (beacon && navigator.sendBeacon) {
      while (queue.length > 0) {
        const { batch, body } = take();
        // Refused (over the browser's quota of bytes in flight): kept for the next flush, if there is one.
        if (!navigator.sendBeacon(endpoint, new Blob([body], { type: 'text/plain' })))
          return requeue(batch, true);
      }
      return;
    }
    if (sending || queue.length === 0) return;
    const { batch, body } = take();
    sending = true;
    fetch(endpoint, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'text/plain' } })
      .then(
        (res) => {
          networkFailures = 0;
          if (res.ok) {
            failures = 0;
            return true;
          }
          if (res.status === 429 || res.status >= 500) {
            // Rate-limited or the server busy: the events wait, as long as it asks when it says.
            requeue(batch, true);
            const retryAfter =
              res.status === 429 || res.status === 503 ? res.headers.get('Retry-After') : null;
            backOff(parseRetryAfter(retryAfter));
            return false;
          }
          // A refused key or origin, answered readably (a page on the dashboard's own origin): never better.
          if (res.status === 401 || res.status === 403) giveUp(batch);
          // Any other 4xx (400, 413, 415): this batch will never be accepted; sending it again would not help.
          else dropped += batch.length;
          return true;
        },
        () => {
          requeue(batch, true);
          // Offline (navigator.onLine false) says why: that is no sign of a refused key.
          if (navigator.onLine !== false && ++networkFailures >= MAX_NETWORK_FAILURES) giveUp([]);
          else backOff();
          return false;
        },
      )
      .catch(() => false)
      .then((more) => {
        sending = false;
        if (more) send(false); // the rest of a backlog
      });
  };
  const flush = () => send(false);

  const pageView = () => {
    if (path() === lastPath) return;
    lastPath = path();
    track({ type: 'page.view', path: lastPath });
  };
  pageView();
  // Client-side routers change the address with the History API: wrap it once, and follow back/forward.
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    const wrapper = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      if (!halted) queueMicrotask(pageView);
      return result;
    };
    history[method] = wrapper;
    cleanups.push(() => {
      // Wrapped again since (by a router): putting the original back would remove that wrapper too. Ours stays
      // under it, passing calls through without tracking.
      if (history[method] === wrapper) history[method] = original;
    });
  }
  listen(window, 'popstate', pageView);

  const vital = (metric: Metric) =>
    track({
      type: 'web.vital',
      name: metric.name,
      value: metric.name === 'CLS' ? metric.value : Math.round(metric.value),
      path: documentPath,
    });
  onLCP(vital);
  onINP(vital);
  onCLS(vital);
  onFCP(vital);
  onTTFB(vital);

  listen(window, 'error', (e: Event) => {
    const event = e as ErrorEvent;
    if (!event.message && !event.error) return; // a resource that failed to load, not a script error
    const error = event.error as Error | undefined;
    track({
      type: 'error',
      errorType: cut(error?.name || 'Error', 128),
      message: cut(event.message || String(error), 4096) || 'Script error',
      ...(error?.stack ? { stack: cut(error.stack, 16_384) } : {}),
      route: cut(path(), 512),
    });
  });
  listen(window, 'unhandledrejection', (e: Event) => {
    const reason = (e as PromiseRejectionEvent).reason as unknown;
    const error = reason instanceof Error ? reason : undefined;
    track({
      type: 'error',
      errorType: cut(error?.name || 'UnhandledRejection', 128),
      message: cut(error?.message || safeString(reason), 4096) || 'Unhandled rejection',
      ...(error?.stack ? { stack: cut(error.stack, 16_384) } : {}),
      route: cut(path(), 512),
    });
  });

  const hidden = () => {
    if (document.visibilityState === 'hidden') send(true);
  };
  listen(document, 'visibilitychange', hidden);
  listen(window, 'pagehide', () => send(true));
  const timer = setInterval(flush, options.flushIntervalMs ?? 5000);
  cleanups.push(() => clearInterval(timer));

  return {
    track,
    identify: (id) => {
      userId = id;
    },
    flush,
    stop: () => {
      flush();
      halted = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
    get dropped() {
      return dropped;
    },
  };

  function listen(target: EventTarget, type: string, handler: (e: Event) => void) {
    target.addEventListener(type, handler);
    cleanups.push(() => target.removeEventListener(type, handler));
  }
}

/** One id per tab, kept across reloads of the tab (sessionStorage), fresh in a new tab. */
function sessionOf(): string {
  try {
    const stored = sessionStorage.getItem('chatwatch.session');
    if (stored) return stored;
    const id = randomId();
    sessionStorage.setItem('chatwatch.session', id);
    return id;
  } catch {
    return randomId();
  }
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The first `max` UTF-16 code units of `text`, one fewer rather than half of a surrogate pair (an emoji). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
