import { startBrowserMonitoring, type BrowserMonitor } from './browser';

/**
 * The entry of `public/chatwatch.js`, for pages that do not bundle `lib/client/browser.ts`:
 *   <script src="https://monitor.example.com/chatwatch.js" data-key="cw_pub_..." defer></script>
 * `data-url` (default: where the script came from), `data-service`, `data-release`, `data-environment` and
 * `data-user-id` are optional. `window.chatwatch` then has `track`, `identify` and `flush`.
 */
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
if (data.key) {
  const monitor: BrowserMonitor = startBrowserMonitoring({
    url: data.url || (script?.src ? new URL(script.src).origin : location.origin),
    key: data.key,
    userId: data.userId,
    service: data.service,
    release: data.release,
    environment: data.environment,
  });
  (window as unknown as { chatwatch: BrowserMonitor }).chatwatch = monitor;
} else {
  console.warn('chatwatch.js: add data-key="<browser key>" to its <script> tag.');
}
