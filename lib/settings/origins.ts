/** How many origins one browser key may allow. */
export const MAX_ALLOWED_ORIGINS = 20;

/**
 * The allowed origins of a browser key from what an admin typed (separated by commas, spaces or lines): each an
 * http(s) origin, `scheme://host[:port]`, as browsers send it in the Origin header (default ports dropped,
 * host lower-cased). Pure; returns what to fix on the first bad entry.
 */
export function parseOrigins(text: string): { origins: string[] } | { error: string } {
  const entries = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    return {
      error: 'Allowed origins: enter the origin of each site that sends, such as https://chat.example.com.',
    };
  }
  const origins: string[] = [];
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return {
        error: `Allowed origins: "${entry.slice(0, 100)}" is not an origin; write it as https://host[:port].`,
      };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return { error: `Allowed origins: "${entry.slice(0, 100)}" must start with https:// or http://.` };
    }
    if (
      (url.pathname !== '/' && url.pathname !== '') ||
      url.search ||
      url.hash ||
      url.username ||
      url.password
    ) {
      return {
        error: `Allowed origins: "${entry.slice(0, 100)}" has more than an origin; keep scheme, host and port only (${url.origin}).`,
      };
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  if (origins.length > MAX_ALLOWED_ORIGINS) {
    return { error: `Allowed origins: at most ${MAX_ALLOWED_ORIGINS} per key; create another key for more.` };
  }
  return { origins };
}
