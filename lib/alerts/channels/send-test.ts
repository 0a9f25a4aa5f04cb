import 'server-only';
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { getProjectById } from '@/lib/projects/queries';
import { assertAdmin, type Member } from '@/lib/auth/viewer';
import { auditChannel } from './admin';
import { findChannelRow } from './queries';
import { SEVERITIES, type Severity } from '../engine/types';
import { channelsFromEnv } from './configured';
import { deliver, type AlertNotification, type ChannelConfig, type DeliveryOptions } from './index';
import { reachPolicyFor } from './policy';

/** What the receiver answered: its status and how long it took, never its body. */
export type TestOutcome = {
  channelName: string;
  ok: boolean;
  status?: number;
  /** Our own short reason (`HTTP 500 from https://host`, `redirects are not followed`, `refused: ...`) */
  error?: string;
  durationMs: number;
};

type TestTarget = { id: string; name: string; config: ChannelConfig; severities: readonly Severity[] };

/**
 * A notification of kind `test`: at the least severe level the channel receives (it reaches the
 * receiver like a real alert, with the least noise), with a dedup key of its own so it never merges
 * into a real incident.
 */
export function testNotification(
  project: { slug: string; name: string },
  channel: Pick<TestTarget, 'id' | 'severities'>,
  now: Date,
  publicUrl: string,
): AlertNotification {
  const severity = [...SEVERITIES].reverse().find((s) => channel.severities.includes(s)) ?? 'P4';
  const dashboard = new URL('/', publicUrl);
  dashboard.searchParams.set('project', project.slug);
  const channels = new URL('/alerts/channels', publicUrl);
  channels.searchParams.set('project', project.slug);
  return {
    kind: 'test',
    ruleKey: 'chatwatch-test',
    ruleName: 'Test notification from ChatWatch',
    severity,
    state: 'firing',
    value: null,
    threshold: null,
    window: null,
    group: null,
    startedAt: now.toISOString(),
    dedupKey: `chatwatch-test:${project.slug}:${channel.id}:${now.getTime()}`,
    links: { dashboard: dashboard.toString(), alert: channels.toString() },
    project: { slug: project.slug, name: project.name },
  };
}

async function resolveTarget(projectId: string, channelId: string): Promise<TestTarget> {
  if (channelId.startsWith('env:')) {
    const channel = channelsFromEnv().find((c) => c.id === channelId);
    if (!channel) throw new AppError('not_found', 'This channel is no longer configured in the environment.');
    return {
      id: channel.id,
      name: channel.name,
      config: channel.config,
      severities: channel.severities ?? [],
    };
  }
  const row = await findChannelRow(await getDb(), projectId, channelId);
  if (!row) throw new AppError('not_found', 'This project has no such channel; it may have been deleted.');
  return { id: `db:${row.id}`, name: row.name, config: row.config, severities: row.severities };
}

/**
 * Sends one test notification now and answers the outcome; never retried, never stored as a delivery.
 * Disabled channels can be tested too (to check them before enabling). Audited as `channel.tested`.
 */
export async function sendTestNotification(
  viewer: Member | null,
  projectId: string,
  channelId: string,
  opts: DeliveryOptions = {},
): Promise<TestOutcome> {
  assertAdmin(viewer, projectId, 'send test notifications');
  // The environment's channels serve every project and page the operator: only installation admins test them.
  if (channelId.startsWith('env:') && viewer.installRole !== 'admin') {
    throw new AppError('forbidden', 'Only installation admins can test the channels set in the environment.');
  }
  const project = await getProjectById(projectId);
  if (!project) throw new AppError('not_found', 'This project no longer exists; pick another project.');
  const target = await resolveTarget(projectId, channelId);
  const result = await deliver(target.config, testNotification(project, target, new Date(), env.PUBLIC_URL), {
    reach: reachPolicyFor(target.id),
    ...opts,
  });
  const outcome: TestOutcome = {
    channelName: target.name,
    ok: result.ok,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    durationMs: result.durationMs,
  };
  await auditChannel(await getDb(), viewer, projectId, 'channel.tested', target.name, {
    channel: target.id,
    ok: outcome.ok,
    status: outcome.status ?? null,
    durationMs: outcome.durationMs,
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  return outcome;
}
