import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BROWSER_SCRIPT, buildBrowserScript } from './build-browser';

describe('public/chatwatch.js', () => {
  it('is what lib/client/standalone.ts builds to (run npm run build:browser after changing the module)', async () => {
    expect(readFileSync(BROWSER_SCRIPT, 'utf8')).toBe(await buildBrowserScript());
  });

  it('adds well under 10 KB gzipped to a page, web-vitals included', () => {
    const gzipped = gzipSync(readFileSync(BROWSER_SCRIPT)).length;
    expect(gzipped).toBeLessThan(6 * 1024);
    expect(readFileSync(BROWSER_SCRIPT, 'utf8')).toContain('largest-contentful-paint');
  });
});
