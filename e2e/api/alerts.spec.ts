import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { DEFAULT_RULES } from '../../lib/alerts/rules/defaults';
import { runId } from '../helpers/events';
import { startFakeDependencies, type FakeDependencies } from '../helpers/fakes';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type ReceivedRequest,
  type SmtpReceiver,
} from '../helpers/receivers';
import { startServer, type Server } from '../helpers/server';

/**
 * Incidents on a production server: traffic that breaks each default rule and heals it, the cron route run
 * by hand, and every notification checked where a person would read it (webhook, Slack, PagerDuty and email
 * receivers on loopback). The cron evaluates every project in the database: only this run's project counts.
 */

const SEC = 1000;
const MIN = 60 * SEC;
const DAY = 24 * 60 * MIN;
const HEALTH_TIMEOUT_MS = 1000;

// DESIGN.md "Alerts": default severities, and webhook/Slack/email take P1-P3 while PagerDuty takes P1-P2.
const SEVERITY: Record<string, 'P1' | 'P2' | 'P3'> = {
  'error-rate': 'P1',
  'p95-response-time': 'P2',
  'ai-consecutive-failures': 'P1',
  'cache-hit-rate': 'P3',
  'active-users-drop': 'P3',
  'api-availability': 'P1',
  'latency-vs-baseline': 'P2',
  'daily-spend': 'P2',
  'failed-logins': 'P1',
  'dependency-down': 'P1',
};
const PAGING = ['email', 'pagerduty', 'slack', 'webhook'] as const;
const ROUTES = { P1: PAGING, P2: PAGING, P3: ['email', 'slack', 'webhook'] } as const;
const RULE_KEY_BY_NAME = new Map(DEFAULT_RULES.map((r) => [r.name, r.key]));

const slug = `alerts-e2e-${runId()}`;
const apiKey = `cw_alerts_e2e_${randomUUID().replace(/-/g, '')}`;
const cronSecret = `cron-${randomUUID()}`;
const routingKey = `R0${randomUUID().replace(/-/g, '')}`;
const emailTo = ['oncall@chatwatch.test', 'lead@chatwatch.test'];
const onPostgres = Boolean(process.env.DATABASE_URL);

type Channel = 'webhook' | 'slack' | 'pagerduty' | 'email';
type Note = {
  channel: Channel;
  rule: string;
  group: string | null;
  state: string;
  status: number;
  body: unknown;
};
type Summary = {
  skipped?: 'locked';
  rulesEvaluated: number;
  rulesFailed: number;
  transitions: number;
  notificationsSent: number;
  notificationsFailed: number;
  durationMs: number;
};
type CronRun = { summary: Summary; elapsedMs: number };
type Mark = { http: number; smtp: number };

let server: Server;
let receiver: HttpReceiver;
let smtp: SmtpReceiver;
let fakes: FakeDependencies;
let sql: postgres.Sql | undefined;
/** dedupKey (project:rule:group) -> rule and group, learnt from this project's webhook and PagerDuty triggers. */
const dedupKeys = new Map<string, { rule: string; group: string | null }>();

/** Says in the report what this backend could not cover. */
const note = (description: string) => test.info().annotations.push({ type: 'not covered here', description });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const ruleKeyOf = (name: string) => RULE_KEY_BY_NAME.get(name) ?? `unknown rule "${name}"`;

// ---- what each channel received, reduced to "channel rule[group] state" lines of this project ----

/**
 * A shared dependency's alert reaches the installation's (environment) channels once, from whichever project
 * claimed it: in a database shared with other test files' projects, that may be another project.
 */
const SHARED_RULES = new Set(['dependency-down']);
const ours = (projectSlug: string | null | undefined, rule: string) =>
  projectSlug === slug || SHARED_RULES.has(rule);

function fromWebhook(r: ReceivedRequest): Note | null {
  const b = r.json as {
    kind?: string;
    rule?: { key: string };
    group?: string | null;
    dedupKey?: string;
    project?: { slug: string };
  } | null;
  if (!b || b.kind === 'digest') return null;
  const rule = b.rule?.key ?? 'no rule';
  if (!ours(b.project?.slug, rule)) return null;
  if (b.dedupKey) dedupKeys.set(b.dedupKey, { rule, group: b.group ?? null });
  return {
    channel: 'webhook',
    rule,
    group: b.group ?? null,
    state: b.kind ?? 'no kind',
    status: r.status,
    body: b,
  };
}

function fromSlack(r: ReceivedRequest): Note | null {
  const b = r.json as { blocks?: { type: string; text?: { text: string } }[] } | null;
  const alertLink = /<([^|>]+)\|Alert>/.exec(r.raw)?.[1];
  const link = alertLink ? new URL(alertLink) : null;
  const header = b?.blocks?.find((x) => x.type === 'header')?.text?.text ?? '';
  const title = /^\[(P\d)\] ([A-Z]+): (.+)$/.exec(header);
  if (!link || !ours(link.searchParams.get('project'), title ? ruleKeyOf(title[3]!) : '')) return null;
  if (!title)
    return {
      channel: 'slack',
      rule: `unparsed "${header}"`,
      group: null,
      state: '?',
      status: r.status,
      body: b,
    };
  return {
    channel: 'slack',
    rule: ruleKeyOf(title[3]!),
    group: link.searchParams.get('group'),
    state: title[2]!.toLowerCase(),
    status: r.status,
    body: b,
  };
}

function fromPagerDuty(r: ReceivedRequest): Note | null {
  const b = r.json as {
    routing_key?: string;
    event_action?: string;
    dedup_key?: string;
    payload?: { group?: string; class?: string; component?: string };
  } | null;
  if (!b?.dedup_key) return null;
  let target: { rule: string; group: string | null } | undefined;
  if (b.event_action === 'trigger') {
    if (!b.payload || !ours(b.payload.group, b.payload.class ?? '')) return null;
    target = { rule: b.payload.class ?? 'no class', group: b.payload.component ?? null };
    dedupKeys.set(b.dedup_key, target);
  } else {
    target = dedupKeys.get(b.dedup_key);
    if (!target) return null;
  }
  const state =
    b.event_action === 'trigger' ? 'firing' : b.event_action === 'resolve' ? 'resolved' : `${b.event_action}`;
  // Anything but the Events API v2 enqueue endpoint with this routing key shows up as a wrong state.
  const wrong =
    r.path !== '/pagerduty/v2/enqueue'
      ? ` at ${r.path}`
      : b.routing_key !== routingKey
        ? ' with another key'
        : '';
  return { channel: 'pagerduty', ...target, state: `${state}${wrong}`, status: r.status, body: b };
}

function fromEmail(m: { subject: string; text: string; to: string[] }): Note | null {
  if (m.subject.startsWith('Daily digest')) return null;
  const title = /^\[(P\d)\] ([A-Z]+): (.+) \((.+)\)$/.exec(m.subject);
  const own = m.text.includes(`project=${slug}`) || m.subject.endsWith(`(${slug})`);
  if (!own && !(title && SHARED_RULES.has(ruleKeyOf(title[3]!)))) return null;
  if (!title)
    return {
      channel: 'email',
      rule: `unparsed "${m.subject}"`,
      group: null,
      state: '?',
      status: 250,
      body: m,
    };
  const group = /^Group: (.*)$/m.exec(m.text)?.[1] ?? null;
  return {
    channel: 'email',
    rule: ruleKeyOf(title[3]!),
    group: group === 'n/a' ? null : group,
    state: title[2]!.toLowerCase(),
    status: 250,
    body: m,
  };
}

const mark = (): Mark => ({ http: receiver.requests().length, smtp: smtp.messages().length });

/** This project's notifications received since `from`, in arrival order. */
function notesSince(from: Mark): Note[] {
  const notes: (Note | null)[] = [];
  for (const r of receiver.requests().slice(from.http)) {
    if (r.path.startsWith('/webhook')) notes.push(fromWebhook(r));
    else if (r.path.startsWith('/slack')) notes.push(fromSlack(r));
    else if (r.path.startsWith('/pagerduty')) notes.push(fromPagerDuty(r));
  }
  for (const m of smtp.messages().slice(from.smtp)) notes.push(fromEmail(m));
  return notes.filter((n): n is Note => n !== null);
}

const line = (n: Pick<Note, 'channel' | 'rule' | 'group' | 'state' | 'status'>) =>
  `${n.channel} ${n.rule}${n.group ? `[${n.group}]` : ''} ${n.state}${n.status >= 300 ? ` (answered ${n.status})` : ''}`;

/** One line per channel the rule's severity routes to. */
function routed(rule: string, state: 'firing' | 'resolved', group: string | null = null): string[] {
  return ROUTES[SEVERITY[rule]!].map((channel) => line({ channel, rule, group, state, status: 200 }));
}
const fired = (rule: string, group: string | null = null) => routed(rule, 'firing', group);
const resolved = (rule: string, group: string | null = null) => routed(rule, 'resolved', group);

function expectNotes(notes: Note[], expected: string[]) {
  expect(notes.map(line).sort()).toEqual([...expected].sort());
}

const find = (notes: Note[], channel: Channel, rule: string, state: string) =>
  notes.find((n) => n.channel === channel && n.rule === rule && n.state === state)?.body as Record<
    string,
    unknown
  >;

// ---- the server under test ----

async function callCron(): Promise<CronRun> {
  const started = Date.now();
  const res = await fetch(`${server.url}/api/cron/alerts`, {
    headers: { Authorization: `Bearer ${cronSecret}` },
  });
  const elapsedMs = Date.now() - started;
  expect(res.status, await res.clone().text()).toBe(200);
  return { summary: (await res.json()) as Summary, elapsedMs };
}

/** One full cron run; waits out another run holding the lock (a Redis shared with other servers). */
async function cron(): Promise<CronRun> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const run = await callCron();
    if (run.summary.skipped !== 'locked') return run;
    await sleep(250);
  }
  throw new Error('the cron lock stayed taken for 10 s');
}

/** Two cron calls at once; answers both once at least one of them ran. */
async function concurrentCrons(): Promise<CronRun[]> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const runs = await Promise.all([callCron(), callCron()]);
    for (const r of runs) if (r.summary.skipped) expect(r.summary.skipped).toBe('locked');
    if (runs.some((r) => !r.summary.skipped)) return runs;
    await sleep(250);
  }
  throw new Error('the cron lock stayed taken for 10 s');
}

/** Runs the cron (or `run`) and answers this project's notifications it sent. */
async function step(run: () => Promise<unknown> = cron): Promise<Note[]> {
  const from = mark();
  await run();
  return notesSince(from);
}

async function ingest(events: Record<string, unknown>[]) {
  for (let i = 0; i < events.length; i += 1000) {
    const batch = events.slice(i, i + 1000);
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events: batch }),
    });
    expect(await res.json()).toEqual({ accepted: batch.length, duplicates: 0, rejected: 0 });
  }
}

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const requests = (n: number, status: number, at: number) =>
  times(n, (i) => ({
    type: 'http.request',
    route: '/api/chat',
    method: 'POST',
    status,
    durationMs: 120,
    timestamp: at - i,
  }));
const responses = (n: number, durationMs: number, at: number) =>
  times(n, (i) => ({ type: 'response.sent', durationMs, streamed: true, timestamp: at - i * 10 }));

async function projectSql<T extends postgres.Row>(
  query: (db: postgres.Sql, projectId: string) => Promise<T[]>,
): Promise<T[]> {
  const [project] = await sql!<{ id: string }[]>`select id from projects where slug = ${slug}`;
  return query(sql!, project!.id);
}

const backends = `${onPostgres ? 'Postgres' : 'PGlite'}, KV ${process.env.REDIS_URL ? 'Redis' : process.env.KV_REST_API_URL ? '@vercel/kv' : 'in-process'}`;

test.describe(`alert incidents through real receivers (${backends})`, () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    [receiver, smtp, fakes] = await Promise.all([
      startHttpReceiver(),
      startSmtpReceiver(),
      startFakeDependencies(),
    ]);
    server = await startServer({
      INIT_PROJECT: slug,
      INIT_API_KEY: apiKey,
      CRON_SECRET: cronSecret,
      PUBLIC_URL: 'http://chatwatch.test',
      HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS),
      ALERT_WEBHOOK_URL: `${receiver.url}/webhook`,
      SLACK_WEBHOOK_URL: `${receiver.url}/slack/services/T0E2E/B0E2E/secretpath`,
      PAGERDUTY_ROUTING_KEY: routingKey,
      PAGERDUTY_EVENTS_URL: `${receiver.url}/pagerduty`,
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: emailTo.join(', '),
      ALERT_EMAIL_FROM: 'ChatWatch <alerts@chatwatch.test>',
      ...fakes.env,
    });
    if (onPostgres) {
      sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      // Postgres holds the integration tests' projects, whose dependencies they may have left down: one run
      // settles those shared alerts (here every dependency is up) before this suite starts listening.
      await cron();
    }
  });

  test.afterAll(async () => {
    await server?.stop();
    await sql?.end();
    await Promise.all([receiver?.close(), smtp?.close(), fakes?.close()]);
  });

  test('the cron refuses calls without its secret, and a quiet project notifies no one', async () => {
    expect((await fetch(`${server.url}/api/cron/alerts`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/api/cron/alerts`, {
      headers: { Authorization: 'Bearer not-the-secret' },
    });
    expect(wrong.status).toBe(401);

    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.checks).toEqual({ database: true, cache: true, ai: true, auth: true });

    const claudeBefore = fakes.calls('claude');
    let summary: Summary | undefined;
    const notes = await step(async () => ({ summary } = await cron()));
    expectNotes(notes, []);
    // PGlite is this server's own database; Postgres may hold other projects (whose rules are not ours to judge).
    if (onPostgres) expect(summary!.rulesEvaluated).toBeGreaterThanOrEqual(10);
    else expect(summary).toMatchObject({ rulesEvaluated: 10, rulesFailed: 0 });
    // Each run probes the dependencies once.
    expect(fakes.calls('claude')).toBe(claudeBefore + 1);
  });

  test('request failures: availability fires below 99.9%, error rate above 1%, both resolve once diluted', async () => {
    // 1 failure in 200: availability 99.5% breaks its rule, an error rate of 0.5% does not.
    await ingest([...requests(1, 503, Date.now()), ...requests(199, 200, Date.now())]);
    const first = await step();
    expectNotes(first, fired('api-availability'));

    const hook = find(first, 'webhook', 'api-availability', 'firing');
    expect(hook).toMatchObject({
      version: 1,
      state: 'firing',
      severity: 'P1',
      rule: { key: 'api-availability', name: 'API availability below 99.9%' },
      threshold: 0.999,
      window: '5m',
      group: null,
      resolvedAt: null,
      project: { slug, name: slug },
      links: {
        dashboard: `http://chatwatch.test/?project=${slug}`,
        alert: expect.stringContaining(`project=${slug}`),
      },
    });
    expect(hook.value).toBeCloseTo(0.995, 6);
    const trigger = find(first, 'pagerduty', 'api-availability', 'firing');
    expect(trigger).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: hook.dedupKey,
      payload: { severity: 'critical', class: 'api-availability', group: slug, source: `chatwatch/${slug}` },
    });
    const mail = find(first, 'email', 'api-availability', 'firing');
    expect(mail).toMatchObject({
      to: emailTo,
      subject: `[P1] FIRING: API availability below 99.9% (${slug})`,
    });
    expect(mail.text).toContain('Value: 0.995');
    expect(mail.text).toContain('Threshold: 0.999');
    const slack = find(first, 'slack', 'api-availability', 'firing');
    expect(JSON.stringify(slack)).toContain('[P1] FIRING: API availability below 99.9%');

    // 3 failures in 202: 1.5% breaks the error-rate rule; availability keeps firing without a second notification.
    await ingest(requests(2, 503, Date.now()));
    expectNotes(await step(), fired('error-rate'));

    // 3 failures in 3502: 0.09% errors, 99.91% available.
    await ingest(requests(3300, 200, Date.now()));
    const healed = await step();
    expectNotes(healed, [...resolved('api-availability'), ...resolved('error-rate')]);
    expect(find(healed, 'webhook', 'api-availability', 'resolved')).toMatchObject({
      state: 'resolved',
      startedAt: hook.startedAt,
      resolvedAt: expect.any(String),
      dedupKey: hook.dedupKey,
    });
    expect(find(healed, 'pagerduty', 'api-availability', 'resolved')).toEqual({
      routing_key: routingKey,
      event_action: 'resolve',
      dedup_key: hook.dedupKey,
    });
    expect((find(healed, 'email', 'error-rate', 'resolved') as { subject: string }).subject).toBe(
      `[P1] RESOLVED: Error rate above 1% (${slug})`,
    );

    expectNotes(await step(), []);
  });

  test('slow responses: p95 above 2 s fires at once, latency at 2x its 7-day baseline only after 10 minutes', async () => {
    const now = Date.now();
    // A 7-day baseline of 100 ms: 12 responses in each of the last 7 days' 10-minute windows at this hour.
    await ingest([1, 2, 3, 4, 5, 6, 7].flatMap((d) => responses(12, 100, now - d * DAY - 5 * MIN)));
    await ingest(responses(12, 3000, Date.now()));
    expectNotes(await step(), fired('p95-response-time'));
    // latency-vs-baseline breaches too but waits in pending for its 10 minutes.
    expectNotes(await step(), []);

    if (!sql)
      note('latency-vs-baseline is only seen pending: firing needs 10 minutes, or SQL on DATABASE_URL');
    if (sql) {
      // The one shortcut of this file: the pending clock is moved 10 minutes back instead of waiting for it.
      const moved = await projectSql(
        (db, projectId) => db`update alert_instances set since = since - interval '10 minutes'
          where project_id = ${projectId} and state = 'pending'
            and rule_id = (select id from alert_rules where project_id = ${projectId} and key = 'latency-vs-baseline')
          returning since`,
      );
      expect(moved).toHaveLength(1);
      const notes = await step();
      expectNotes(notes, fired('latency-vs-baseline'));
      const hook = find(notes, 'webhook', 'latency-vs-baseline', 'firing');
      expect(hook).toMatchObject({ severity: 'P2', window: '10m' });
      // Percentiles come from the rollups' histograms: within 1% of the exact 3000 ms and 2 x 100 ms.
      const { value, threshold } = hook as { value: number; threshold: number };
      expect(Math.abs(value / 3000 - 1)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(threshold / 200 - 1)).toBeLessThanOrEqual(0.01);
      expect(find(notes, 'pagerduty', 'latency-vs-baseline', 'firing')).toMatchObject({
        payload: { severity: 'error' },
      });
    }

    // 12 slow responses in 612: p95 back to 100 ms.
    await ingest(responses(600, 100, Date.now()));
    expectNotes(await step(), [
      ...resolved('p95-response-time'),
      ...(sql ? resolved('latency-vs-baseline') : []),
    ]);
    expectNotes(await step(), []);
  });

  test('AI failures and spend: two concurrent cron runs notify once per channel, firing and resolved', async () => {
    const model = `claude-e2e-${runId()}`;
    // Spend belongs to the UTC day: keep clear of midnight so both runs see the same day.
    const toMidnight = DAY - (Date.now() % DAY);
    if (toMidnight < 20 * SEC) await sleep(toMidnight + SEC);
    const now = Date.now();
    await ingest([
      ...times(3, (i) => ({
        type: 'ai.call',
        model,
        durationMs: 900,
        status: 'error',
        errorType: 'overloaded_error',
        costUsd: 0,
        timestamp: now - 3000 + i * 1000,
      })),
      {
        type: 'ai.call',
        model: `${model}-spend`,
        durationMs: 1500,
        status: 'ok',
        inputTokens: 5000,
        outputTokens: 900,
        costUsd: 12,
        timestamp: now,
      },
    ]);
    // No settings field or API sets a project's daily budget yet: on Postgres the test sets it in SQL.
    if (!sql) note('daily-spend not covered: setting the daily budget needs SQL on DATABASE_URL');
    if (sql)
      await projectSql(
        (db, projectId) => db`update projects set daily_budget_usd = 1 where id = ${projectId} returning id`,
      );

    const broken = await step(concurrentCrons);
    expectNotes(broken, [...fired('ai-consecutive-failures', model), ...(sql ? fired('daily-spend') : [])]);
    expect(find(broken, 'webhook', 'ai-consecutive-failures', 'firing')).toMatchObject({
      value: 3,
      threshold: 3,
      group: model,
      window: '1m',
    });
    if (sql) {
      const spend = find(broken, 'webhook', 'daily-spend', 'firing');
      expect(spend).toMatchObject({ threshold: 1.5, window: '1d' });
      expect(spend.value).toBeGreaterThanOrEqual(12);
    }

    await ingest([
      { type: 'ai.call', model, durationMs: 700, status: 'ok', costUsd: 0, timestamp: Date.now() },
    ]);
    if (sql)
      await projectSql(
        (db, projectId) =>
          db`update projects set daily_budget_usd = 1000 where id = ${projectId} returning id`,
      );
    expectNotes(await step(concurrentCrons), [
      ...resolved('ai-consecutive-failures', model),
      ...(sql ? resolved('daily-spend') : []),
    ]);
    expectNotes(await step(), []);
  });

  test('cache misses and fewer users than yesterday: P3 alerts reach webhook, Slack and email, never PagerDuty', async () => {
    const now = Date.now();
    const user = (i: number, at: number) => ({
      type: 'page.view',
      path: '/chat',
      userId: `user-${slug}-${i}`,
      timestamp: at,
    });
    await ingest([
      ...times(50, (i) => ({
        type: 'cache',
        operation: 'get',
        cache: 'llm',
        hit: false,
        durationMs: 2,
        timestamp: now - i,
      })),
      // 10 users yesterday (30 h ago), 1 today.
      ...times(10, (i) => user(i, now - 30 * 60 * MIN)),
      user(0, now),
    ]);
    const from = mark();
    const broken = await step();
    expectNotes(broken, [...fired('cache-hit-rate'), ...fired('active-users-drop')]);
    expect(receiver.requests('/pagerduty').slice(from.http)).toEqual([]);
    expect(find(broken, 'webhook', 'cache-hit-rate', 'firing')).toMatchObject({
      severity: 'P3',
      value: 0,
      threshold: 0.8,
      window: '1h',
    });
    expect(find(broken, 'webhook', 'active-users-drop', 'firing')).toMatchObject({
      severity: 'P3',
      value: 1,
      threshold: 8,
      window: '1d',
    });

    // 300 hits in 350 lookups (86%), and 10 users today as yesterday.
    await ingest([
      ...times(300, (i) => ({
        type: 'cache',
        operation: 'get',
        cache: 'llm',
        hit: true,
        durationMs: 1,
        timestamp: Date.now() - i,
      })),
      ...times(9, (i) => user(i + 1, Date.now())),
    ]);
    expectNotes(await step(), [...resolved('cache-hit-rate'), ...resolved('active-users-drop')]);
    expectNotes(await step(), []);
  });

  test('failed logins: fire while 5 sit in the 5-minute window, resolve once they age out; Slack failing twice still gets the alert', async () => {
    test.setTimeout(150_000);
    const inWindowMs = 110 * SEC;
    const now = Date.now();
    // Timestamped so that they leave the 5-minute window 110 s from now: after Slack's two retries (30 s, then
    // 60 s more).
    await ingest(
      times(5, (i) => ({
        type: 'auth.attempt',
        outcome: 'failure',
        method: 'password',
        reason: 'invalid password',
        timestamp: now - 5 * MIN + inWindowMs + i,
      })),
    );
    receiver.failNext(
      '/slack',
      2,
      (r) => r.raw.includes(`project=${slug}`) && r.raw.includes('failed logins'),
    );
    let summary: Summary | undefined;
    const broken = await step(async () => ({ summary } = await cron()));
    const firedAt = Date.now();
    expectNotes(broken, [
      ...fired('failed-logins').filter((l) => !l.startsWith('slack')),
      'slack failed-logins firing (answered 500)',
    ]);
    expect(summary!.notificationsFailed).toBeGreaterThanOrEqual(1);
    expect(find(broken, 'webhook', 'failed-logins', 'firing')).toMatchObject({
      value: 5,
      threshold: 5,
      window: '5m',
    });

    // The failed Slack delivery waits for its retry (30 s); the other channels are done.
    expectNotes(await step(), []);

    // The first retry (30 s later) fails again; the second (60 s after that) gets through, while the alert
    // still fires: Slack gets its firing notification, late but once.
    await sleep(firedAt + 30 * SEC + 500 - Date.now());
    expectNotes(await step(), ['slack failed-logins firing (answered 500)']);
    const retriedAt = Date.now(); // after the run: its next attempt is due at most 60 s from here
    expectNotes(await step(), []);
    await sleep(retriedAt + 60 * SEC + 500 - Date.now());
    expect(Date.now()).toBeLessThan(now + inWindowMs - 2 * SEC);
    expectNotes(await step(), ['slack failed-logins firing']);
    await sleep(now + inWindowMs + SEC - Date.now());
    expectNotes(await step(), resolved('failed-logins'));
    expectNotes(await step(), []);
  });

  test('dependency down: Claude failing and Clerk hanging fire after 3 checks, Claude hanging again; runs stay bounded', async () => {
    test.setTimeout(90_000);
    const bounded = (run: CronRun) => {
      // Each run waited for the hanging probe, and no longer than its timeout allows.
      expect(run.summary.durationMs).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - 50);
      expect(run.elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS + 5000);
    };
    const hangingRun = async (expected: string[]) => {
      const before = { claude: fakes.calls('claude'), clerk: fakes.calls('clerk') };
      let run: CronRun | undefined;
      const notes = await step(async () => (run = await cron()));
      expectNotes(notes, expected);
      bounded(run!);
      expect(fakes.calls('claude')).toBe(before.claude + 1);
      expect(fakes.calls('clerk')).toBe(before.clerk + 1);
      return notes;
    };

    fakes.set('claude', 'fail');
    fakes.set('clerk', 'hang');
    await hangingRun([]);
    await hangingRun([]);
    await hangingRun([...fired('dependency-down', 'ai'), ...fired('dependency-down', 'auth')]);
    fakes.set('claude', 'ok');
    fakes.set('clerk', 'ok');
    expectNotes(await step(), [...resolved('dependency-down', 'ai'), ...resolved('dependency-down', 'auth')]);

    fakes.set('claude', 'hang');
    await hangingRun([]);
    await hangingRun([]);
    const notes = await hangingRun(fired('dependency-down', 'ai'));
    expect(find(notes, 'webhook', 'dependency-down', 'firing')).toMatchObject({
      group: 'ai',
      value: 3,
      threshold: 3,
      window: null,
    });
    expect(find(notes, 'pagerduty', 'dependency-down', 'firing')).toMatchObject({
      payload: { component: 'ai', severity: 'critical' },
    });

    const started = Date.now();
    // Failure reasons are for the cron (and read keys); anonymous callers get booleans only.
    const health = await fetch(`${server.url}/api/health`, {
      headers: { Authorization: `Bearer ${cronSecret}` },
    });
    expect(Date.now() - started).toBeLessThan(HEALTH_TIMEOUT_MS + 1500);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      checks: { database: true, cache: true, ai: false, auth: true },
      details: { ai: { state: 'fail', reason: expect.stringContaining('timeout') } },
    });

    fakes.set('claude', 'ok');
    expectNotes(await step(), resolved('dependency-down', 'ai'));
    expectNotes(await step(), []);
  });
});
