import type { NextConfig } from 'next';
import { env } from './lib/env';
import { proxyConfig } from './lib/http/client-ip';

// A bad TRUSTED_PROXIES fails at start with a message naming it, not on the first request.
proxyConfig(env.TRUSTED_PROXIES, env.VERCEL);

const nextConfig: NextConfig = {
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'redis'],
  poweredByHeader: false,
  // Responses are small JSON and pages are dynamic; a proxy or Vercel's edge compresses when it pays.
  compress: false,
  experimental: {
    // forbidden() answers 403 with app/forbidden.tsx (signed-in users who may see no project).
    authInterrupts: true,
    // Behind a proxy that rewrites Host, actions from PUBLIC_URL still pass Next's own origin check (proxy.ts checks first).
    serverActions: { allowedOrigins: [new URL(env.PUBLIC_URL).host] },
  },
};

export default nextConfig;
