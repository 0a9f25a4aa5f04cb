import { env } from '@/lib/env';
import { clientIp, proxyConfig } from './client-ip';

const publicUrl = new URL(env.PUBLIC_URL);
const isLoopback = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/.test(publicUrl.hostname);

/** Where this installation lives, from the environment: read once, never from request headers. */
export const deployment = {
  /**
   * The origin users open (PUBLIC_URL's). Null while PUBLIC_URL names this machine (the default
   * http://localhost:3000, a local install): then the host and port Next listens on stand in.
   */
  publicOrigin: isLoopback ? null : publicUrl.origin,
  proxies: proxyConfig(env.TRUSTED_PROXIES, env.VERCEL),
  hsts: env.NODE_ENV === 'production' && publicUrl.protocol === 'https:',
};

/**
 * The origin for absolute URLs (redirects) and the one same-origin requests come from. Next builds the
 * proxy's request URL from the address it listens on (on Vercel, from the deployment's own host), so
 * Host and X-Forwarded-Host never reach it; only its scheme follows X-Forwarded-Proto.
 */
export function appOrigin(requestUrl: URL): string {
  return deployment.publicOrigin ?? requestUrl.origin;
}

/**
 * The client's IP as far as the operator's proxies vouch for it, or null. Route handlers do not see the
 * socket's address, so without TRUSTED_PROXIES (or Vercel) no header is believed and the answer is null.
 */
export function requestIp(headers: Pick<Headers, 'get'>): string | null {
  return clientIp(headers, null, deployment.proxies);
}
