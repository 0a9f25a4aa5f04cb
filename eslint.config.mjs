import coreWebVitals from 'eslint-config-next/core-web-vitals';
import typescript from 'eslint-config-next/typescript';

const config = [
  ...coreWebVitals,
  ...typescript,
  { ignores: ['.next/**', 'node_modules/**', 'db/migrations/**', '.data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'public/chatwatch.js'] },
  {
    files: ['lib/**/*.ts', 'app/**/*.ts', 'app/**/*.tsx', 'components/**/*.tsx', 'db/**/*.ts'],
    ignores: ['lib/env.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration from lib/env.ts.' }] },
  },
];
export default config;
