import http from 'node:http';
import { securityHeaders } from './security-headers';

/**
 * Methods Node's parser accepts but the fetch `Request` refuses to carry (CONNECT never reaches a
 * request handler). Next builds such a Request for proxy.ts before any of our code runs, so it answers 500.
 */
export const UNSERVABLE_METHODS = ['TRACE'] as const;
const API_METHODS = 'GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE';
const PAGE_METHODS = 'GET, HEAD, POST';
const INSTALLED = Symbol.for('chatwatch.methodGuard');

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Answers 405 with Allow to unservable methods on every HTTP server of this process, before Next sees
 * them. Called once from instrumentation.ts `register()`; a second call does nothing.
 */
export function refuseUnservableMethods(): void {
  const proto = http.Server.prototype as unknown as { emit: Emit; [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  const emit = proto.emit;
  proto.emit = function (event, ...args) {
    if (event === 'request') {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if ((UNSERVABLE_METHODS as readonly string[]).includes(req.method ?? '')) {
        answerMethodNotAllowed(req, res);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  };
  proto[INSTALLED] = true;
}

function answerMethodNotAllowed(req: http.IncomingMessage, res: http.ServerResponse) {
  const api = /^\/api(?:[/?]|$)/.test(req.url ?? '');
  res.writeHead(405, {
    ...securityHeaders({ framable: false, hsts: false }),
    Allow: api ? API_METHODS : PAGE_METHODS,
    'Cache-Control': 'no-store',
    'Content-Length': '0',
  });
  res.end();
  req.resume();
}
