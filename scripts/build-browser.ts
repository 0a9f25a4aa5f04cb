/**
 * Builds `public/chatwatch.js`, the standalone browser script, from lib/client/standalone.ts (web-vitals included),
 * minified, for current browsers. `--check` builds in memory and fails when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const BROWSER_SCRIPT = 'public/chatwatch.js';

export async function buildBrowserScript(): Promise<string> {
  const result = await build({
    entryPoints: ['lib/client/standalone.ts'],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome111', 'firefox111', 'safari16'],
    write: false,
    legalComments: 'none',
    banner: {
      js: '/* chatwatch browser monitoring: page views, Core Web Vitals (web-vitals, Apache-2.0), errors */',
    },
  });
  return result.outputFiles[0]!.text;
}

async function main() {
  const code = await buildBrowserScript();
  const size = `${code.length} bytes, ${gzipSync(code).length} gzipped`;
  if (process.argv.includes('--check')) {
    if (readFileSync(BROWSER_SCRIPT, 'utf8') !== code) {
      console.error(`${BROWSER_SCRIPT} is out of date: run npm run build:browser`);
      process.exit(1);
    }
    console.log(`${BROWSER_SCRIPT} is up to date (${size})`);
  } else {
    writeFileSync(BROWSER_SCRIPT, code);
    console.log(`wrote ${BROWSER_SCRIPT} (${size})`);
  }
}

if (process.argv[1]?.endsWith('build-browser.ts')) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
