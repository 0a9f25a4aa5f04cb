import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';

/**
 * What a page reports about itself, with a browser key: page views (client-side route changes included), Core Web
 * Vitals (LCP, INP, CLS, FCP, TTFB, from Google's `web-vitals`), uncaught errors and unhandled rejections, and any
 * feedback the page tracks. Events are queued and sent as text/plain JSON (a CORS-safelisted type: no preflight),
 * every few seconds with `fetch(..., { keepalive })` and with `navigator.sendBeacon` when the page is hidden.
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
  stop: () => void;
};

/** Events per request: well under the API's 1,000 and the 64 KiB a beacon may carry. */
const MAX_BATCH = 50;
/** Queued events kept while the dashboard cannot be reached; older ones are dropped first. */
const MAX_QUEUE = 500;
/** Errors reported per page load: a render loop that throws must not flood the project. */
const MAX_ERRORS = 25;

export function startBrowserMonitoring(options: BrowserOptions): BrowserMonitor {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/events?key=${encodeURIComponent(options.key)}`;
  const sessionId = sessionOf();
  const common = {
    sessionId,
    ...(options.service ? { service: options.service } : {}),
    ...(options.release ? { release: options.release } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  };
  let userId = options.userId;
  let queue: Record<string, unknown>[] = [];
  let errors = 0;
  let lastPath = '';
  const cleanups: (() => void)[] = [];

  const path = () => location.pathname;
  // Vitals measure the document's load (LCP, FCP, TTFB) and its life (INP, CLS): they belong to the path it was
  // loaded at, not to the route a client-side router shows when they are reported.
  const documentPath = path();
  const track = (event: BrowserEvent) => {
    if (event.type === 'error' && ++errors > MAX_ERRORS) return;
    queue.push({
      ...common,
      ...(userId ? { userId } : {}),
      ...event,
      id: randomId(),
      timestamp: new Date().toISOString(),
    });
    if (queue.length > MAX_QUEUE) queue = queue.slice(-MAX_QUEUE);
    if (queue.length >= MAX_BATCH) flush();
  };

  /** Sends what is queued; `beacon` when the page may be going away (the browser sends it after unload). */
  const send = (beacon: boolean) => {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(MAX_BATCH);
      const body = JSON.stringify({ events: batch });
      if (beacon && navigator.sendBeacon?.(endpoint, new Blob([body], { type: 'text/plain' }))) continue;
      fetch(endpoint, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'text/plain' } })
        .then((res) => {
          // Rate-limited or the server busy: keep the events for the next flush.
          if (res.status === 429 || res.status >= 500) queue = [...batch, ...queue].slice(-MAX_QUEUE);
        })
        .catch(() => {
          queue = [...batch, ...queue].slice(-MAX_QUEUE);
        });
    }
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
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      queueMicrotask(pageView);
      return result;
    };
    cleanups.push(() => {
      history[method] = original;
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
      for (const cleanup of cleanups.splice(0)) cleanup();
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

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
