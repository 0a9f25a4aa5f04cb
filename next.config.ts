import type { NextConfig } from 'next';
import './lib/env';

const nextConfig: NextConfig = {
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'redis'],
  poweredByHeader: false,
  // Responses are small JSON and pages are dynamic; a proxy or Vercel's edge compresses when it pays.
  compress: false,
  // forbidden() answers 403 with app/forbidden.tsx (signed-in users who may see no project).
  experimental: { authInterrupts: true },
};

export default nextConfig;
