import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake Claude API (`/claude/v1/models`) and a fake Clerk Backend API (`/clerk/v1/users`) on loopback, for
 * the health probes. Each answers (checking the credentials the probe must send), fails (HTTP 500), or hangs
 * (never answers), as the test sets it.
 */
export type FakeMode = 'ok' | 'fail' | 'hang';
export type FakeName = 'claude' | 'clerk';

export type FakeDependencies = {
  /** The server environment that points the probes here. */
  env: Record<string, string>;
  set(name: FakeName, mode: FakeMode): void;
  /** Requests each fake has received so far. */
  calls(name: FakeName): number;
  close(): Promise<void>;
};

export async function startFakeDependencies(
  keys: { anthropicApiKey: string; clerkSecretKey: string } = {
    anthropicApiKey: 'sk-ant-e2e-fake-key',
    clerkSecretKey: 'sk_live_e2e_fake_secret',
  },
): Promise<FakeDependencies> {
  const modes: Record<FakeName, FakeMode> = { claude: 'ok', clerk: 'ok' };
  const counts: Record<FakeName, number> = { claude: 0, clerk: 0 };
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const name: FakeName | null = url.startsWith('/claude/')
      ? 'claude'
      : url.startsWith('/clerk/')
        ? 'clerk'
        : null;
    if (!name) return void res.writeHead(404).end();
    counts[name]++;
    const mode = modes[name];
    if (mode === 'hang') return;
    if (mode === 'fail')
      return void res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":{"type":"api_error","message":"fake outage"}}');
    const authorized =
      name === 'claude'
        ? req.headers['x-api-key'] === keys.anthropicApiKey &&
          typeof req.headers['anthropic-version'] === 'string'
        : req.headers.authorization === `Bearer ${keys.clerkSecretKey}`;
    if (!authorized)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    const body =
      name === 'claude'
        ? {
            data: [{ type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5' }],
            has_more: true,
          }
        : [];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      ANTHROPIC_API_KEY: keys.anthropicApiKey,
      ANTHROPIC_BASE_URL: `${base}/claude`,
      CLERK_SECRET_KEY: keys.clerkSecretKey,
      CLERK_API_URL: `${base}/clerk`,
    },
    set: (name, mode) => {
      modes[name] = mode;
    },
    calls: (name) => counts[name],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
