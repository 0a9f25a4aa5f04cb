import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_BROWSER_BODY_BYTES, MAX_BROWSER_EVENTS_PER_BATCH } from '../ingest/limits';
import { cut, startBrowserMonitoring, type BrowserMonitor } from './browser';

// web-vitals observes a real page; here only the transport is under test.
vi.mock('web-vitals', () => ({
  onLCP: vi.fn(),
  onINP: vi.fn(),
  onCLS: vi.fn(),
  onFCP: vi.fn(),
  onTTFB: vi.fn(),
}));

type Sent = { at: number; body: string; bytes: number; events: Array<Record<string, unknown>> };

/** A page in Node: window, document, location, history and navigator stubbed; fetch answers from `replies`. */
let requests: Sent[];
let beacons: Blob[];
let replies: Array<() => Promise<Response>>;
let beaconAccepts: boolean;
let originalPushState: History['pushState'];
let originalReplaceState: History['replaceState'];
let monitor: BrowserMonitor | undefined;
const start = Date.UTC(2025, 0, 1);

function sent(body: string): Sent {
  return {
    at: Date.now() - start,
    body,
    bytes: Buffer.byteLength(body),
    events: (JSON.parse(body) as { events: Array<Record<string, unknown>> }).events,
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: start });
  requests = [];
  beacons = [];
  replies = [];
  beaconAccepts = true;
  const location = { pathname: '/home' };
  originalPushState = vi.fn((_data: unknown, _unused: string, url?: string | URL | null) => {
    location.pathname = String(url);
  });
  originalReplaceState = vi.fn();
  vi.stubGlobal('location', location);
  vi.stubGlobal('history', { pushState: originalPushState, replaceState: originalReplaceState });
  vi.stubGlobal('window', new EventTarget());
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }));
  vi.stubGlobal('navigator', {
    sendBeacon: vi.fn((_url: string, blob: Blob) => {
      if (!beaconAccepts) return false;
      beacons.push(blob);
      return true;
    }),
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      requests.push(sent(init.body as string));
      const reply = replies.shift();
      return reply ? reply() : Response.json({ accepted: 1 });
    }),
  );
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  monitor?.stop();
  monitor = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function startMonitor(): BrowserMonitor {
  monitor = startBrowserMonitoring({ url: 'https://monitor.example.com/', key: 'cw_pub_test' });
  return monitor;
}

const networkError = () => Promise.reject(new TypeError('Failed to fetch'));
const status = (code: number, headers?: Record<string, string>) => () =>
  Promise.resolve(new Response(null, { status: code, headers }));
const feedback = (comment: string) => ({ type: 'feedback' as const, score: 1, comment });
const sentIds = (list: Sent[]) => list.flatMap((request) => request.events.map((event) => event.id));

describe('requests within the browser limits', () => {
  it('splits a queue of large events into requests under the 64 KiB budget, counting UTF-8 bytes', async () => {
    const m = startMonitor();
    // 30 events of ~10 KB each (5,000 "é", 2 bytes each in UTF-8): ~300 KB, far fewer than 50 events.
    for (let i = 0; i < 30; i++) m.track(feedback('é'.repeat(5000)));
    await vi.advanceTimersByTimeAsync(5000);
    await vi.advanceTimersByTimeAsync(0);

    expect(requests.length).toBeGreaterThan(4);
    for (const request of requests) {
      expect(request.bytes).toBeLessThanOrEqual(60 * 1024);
      expect(request.events.length).toBeLessThanOrEqual(MAX_BROWSER_EVENTS_PER_BATCH);
    }
    const ids = sentIds(requests);
    expect(ids).toHaveLength(31); // the page view and the 30 events, each once
    expect(new Set(ids).size).toBe(31);
    expect(m.dropped).toBe(0);
  });

  it('drops an event that alone is over the budget, and sends the others', async () => {
    const m = startMonitor();
    m.track(feedback('x'.repeat(MAX_BROWSER_BODY_BYTES)));
    m.track(feedback('small'));
    await vi.advanceTimersByTimeAsync(5000);

    expect(requests).toHaveLength(1);
    expect(requests[0]!.events.map((event) => event.comment ?? event.type)).toEqual(['page.view', 'small']);
    expect(m.dropped).toBe(1);
  });

  it('sends beacons under the budget on page hide, and keeps what sendBeacon refuses for the next flush', async () => {
    const m = startMonitor();
    for (let i = 0; i < 12; i++) m.track(feedback('y'.repeat(20_000)));
    (document as unknown as { visibilityState: string }).visibilityState = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    const sentByBeacon = await Promise.all(beacons.map(async (blob) => sent(await blob.text())));
    expect(sentByBeacon.length).toBeGreaterThan(3);
    for (const beacon of sentByBeacon) expect(beacon.bytes).toBeLessThanOrEqual(60 * 1024);
    expect(sentIds(sentByBeacon)).toHaveLength(13);
    expect(requests).toHaveLength(0);

    // The browser's beacon quota is full: nothing leaves now, not even by fetch; the next flush sends it.
    beaconAccepts = false;
    m.track(feedback('later'));
    window.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(requests.map((request) => request.events.map((event) => event.comment))).toEqual([['later']]);
  });
});

describe('after a failure', () => {
  it('backs off exponentially after network errors and 5xx: 5 s, then 10 s, then 20 s', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // no jitter: the full delay
    replies = [networkError, status(500), networkError];
    startMonitor();
    await vi.advanceTimersByTimeAsync(60_000);

    // Old behaviour: a request on every 5 s tick (5, 10, 15, 20 s).
    expect(requests.map((request) => request.at)).toEqual([5000, 10_000, 20_000, 40_000]);
    // The same event each time, delivered once at last.
    expect(new Set(sentIds(requests)).size).toBe(1);
  });

  it('waits as long as Retry-After asks on a 429, and on a 503', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    replies = [status(429, { 'Retry-After': '30' }), status(503, { 'Retry-After': '60' })];
    startMonitor();
    await vi.advanceTimersByTimeAsync(5000);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(requests).toHaveLength(1); // nothing before the 30 s asked for
    await vi.advanceTimersByTimeAsync(1);
    expect(requests.map((request) => request.at)).toEqual([5000, 35_000]);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests.map((request) => request.at)).toEqual([5000, 35_000, 95_000]);
    expect(new Set(sentIds(requests)).size).toBe(1);
  });

  it('stops sending for the page load after 5 network failures in a row (how a refused key looks to a page)', async () => {
    replies = Array.from({ length: 100 }, () => networkError);
    const m = startMonitor();
    m.track(feedback('a'));
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(requests).toHaveLength(5);

    m.track(feedback('b'));
    m.flush();
    for (let i = 0; i < 60; i++) m.track(feedback('c')); // over a batch: would flush
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(requests).toHaveLength(5);
    expect(m.dropped).toBe(2); // the queue when it gave up: the page view and "a"
    expect(console.warn).toHaveBeenCalledTimes(1);
  });

  it('keeps retrying, with backoff, while the browser says it is offline, and delivers once back', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    replies = Array.from({ length: 7 }, () => networkError);
    Object.assign(navigator, { onLine: false });
    const m = startMonitor();
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(requests.map((request) => request.at)).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 160_000]);

    Object.assign(navigator, { onLine: true });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(requests.map((request) => request.at)).toEqual([
      5000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 620_000,
    ]);
    expect(new Set(sentIds(requests)).size).toBe(1);
    expect(m.dropped).toBe(0);
  });

  it('stops at once on a readable 401 or 403', async () => {
    replies = [status(403)];
    const m = startMonitor();
    await vi.advanceTimersByTimeAsync(5000);
    m.track(feedback('a'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
    expect(m.dropped).toBe(1);
  });

  it('drops a batch answered 400 or 413 without sending it again, and goes on with new events', async () => {
    replies = [status(413), status(400)];
    const m = startMonitor();
    await vi.advanceTimersByTimeAsync(5000);
    m.track(feedback('a'));
    await vi.advanceTimersByTimeAsync(5000);
    m.track(feedback('b'));
    await vi.advanceTimersByTimeAsync(20_000);

    expect(requests.map((request) => request.events.map((event) => event.comment ?? event.type))).toEqual([
      ['page.view'],
      ['a'],
      ['b'],
    ]);
    expect(requests.map((request) => request.at)).toEqual([5000, 10_000, 15_000]);
    expect(m.dropped).toBe(2);
  });
});

describe('cut', () => {
  it('never splits a surrogate pair', () => {
    expect(cut('ab😀', 3)).toBe('ab');
    expect(cut('ab😀', 4)).toBe('ab😀');
    expect(cut('a😀b', 3)).toBe('a😀');
    expect(cut('abc', 2)).toBe('ab');
  });

  it('keeps an error message well-formed when it is cut at an emoji', async () => {
    startMonitor();
    const error = new Error('x'.repeat(4095) + '😀');
    window.dispatchEvent(Object.assign(new Event('error'), { message: error.message, error }));
    await vi.advanceTimersByTimeAsync(5000);

    const reported = requests[0]!.events.find((event) => event.type === 'error')!;
    expect(reported.message).toBe('x'.repeat(4095));
    expect(requests[0]!.body).not.toMatch(/\\ud83d/i);
  });
});

describe('stop()', () => {
  it('puts back the History API, without removing a wrapper a router added since, and sends nothing more', async () => {
    const m = startMonitor();
    expect(history.pushState).not.toBe(originalPushState);
    history.pushState({}, '', '/chat/1');
    await vi.advanceTimersByTimeAsync(5000);
    expect(requests.flatMap((request) => request.events.map((event) => event.path))).toEqual([
      '/home',
      '/chat/1',
    ]);

    // A router wraps replaceState after us; pushState is still ours.
    const ours = history.replaceState;
    const routerSaw: unknown[] = [];
    const router = function (this: History, ...args: Parameters<History['replaceState']>) {
      routerSaw.push(args[2]);
      return ours.apply(this, args);
    };
    history.replaceState = router;

    m.stop();
    expect(history.pushState).toBe(originalPushState);
    expect(history.replaceState).toBe(router); // not clobbered by the original
    history.replaceState({}, '', '/chat/2');
    expect(routerSaw).toEqual(['/chat/2']);
    expect(originalReplaceState).toHaveBeenCalledTimes(1); // still reaches the browser's

    history.pushState({}, '', '/chat/3');
    m.track(feedback('after stop'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
  });
});
