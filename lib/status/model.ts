import type { Rule, Severity } from '@/lib/alerts/engine/types';
import { thresholdsFromRules } from '@/lib/dashboard/thresholds';
import { CHECK_NAMES, type CheckName, type ProbeState } from '@/lib/health/status';
import { fillDays, rangeUptime, UPTIME_DAYS, type DayCount, type UptimeDay } from './uptime';

/**
 * What the public status page shows, and only that: component states, the chat app's error rate and p95,
 * day uptime shares, incident names, severities as words and times. Nothing here may carry a project id,
 * a threshold, a group key, a health-check reason or a dependency latency.
 */

export const COMPONENT_STATES = ['operational', 'degraded', 'outage', 'unknown'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export const OVERALL_STATUSES = ['operational', 'degraded', 'major', 'unknown'] as const;
export type OverallStatus = (typeof OVERALL_STATUSES)[number];

/** A dependency whose latest check is older than this is "unknown": nobody is checking it. */
export const STALE_AFTER_MS = 10 * 60_000;
/** The chat app's figures cover the last 15 minutes. */
export const APP_WINDOW_MS = 15 * 60_000;
/** Fewer requests (or responses) than this in the window are too few to judge: the figure reads no data. */
export const MIN_APP_SAMPLES = 10;
/** Half the requests failing is an outage of the chat app, whatever the alert rules say. */
export const OUTAGE_ERROR_RATE = 0.5;
/** Used when the project has no enabled, ungrouped threshold rule on the metric. */
export const DEFAULT_APP_THRESHOLDS: AppThresholds = { errorRate: 0.01, p95ResponseMs: 2000 };
/** Resolved incidents shown: those that ended within this long. */
export const RESOLVED_LOOKBACK_MS = 7 * 86_400_000;
export const MAX_RESOLVED = 20;

export const DEPENDENCY_LABELS: Record<CheckName, string> = {
  database: 'Database',
  cache: 'Cache',
  ai: 'AI provider',
  auth: 'Sign-in',
};

export const OVERALL_WORDS: Record<OverallStatus, string> = {
  operational: 'All systems operational',
  degraded: 'Degraded performance',
  major: 'Major outage',
  unknown: 'Status unknown',
};

export const STATE_WORDS: Record<ComponentState, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  outage: 'Outage',
  unknown: 'Unknown',
};

const SEVERITY_WORDS: Record<Severity, string> = { P1: 'Critical', P2: 'High', P3: 'Medium', P4: 'Low' };

export function severityWord(severity: Severity): string {
  return SEVERITY_WORDS[severity] ?? 'Low';
}

export type LatestCheck = { dependency: CheckName; state: ProbeState; checkedAt: Date } | null;

/**
 * A dependency's state from its latest check: null (left off the page) when it is not configured, unknown
 * when never checked or not checked for STALE_AFTER_MS, otherwise operational (ok) or outage (fail).
 */
export function dependencyState(latest: LatestCheck, now: Date): ComponentState | null {
  if (!latest) return 'unknown';
  if (latest.state === 'not_configured') return null;
  if (now.getTime() - latest.checkedAt.getTime() > STALE_AFTER_MS) return 'unknown';
  return latest.state === 'ok' ? 'operational' : 'outage';
}

export type AppThresholds = { errorRate: number; p95ResponseMs: number };
/** The thresholds of the project's enabled, ungrouped threshold rules (as the charts draw them), else the defaults. */
export function appThresholds(rules: readonly Rule[]): AppThresholds {
  const lines = thresholdsFromRules(rules);
  return {
    errorRate: lines.errorRate?.value ?? DEFAULT_APP_THRESHOLDS.errorRate,
    p95ResponseMs: lines.p95ResponseMs?.value ?? DEFAULT_APP_THRESHOLDS.p95ResponseMs,
  };
}

export type AppMetrics = {
  errorRate: number | null;
  requests: number;
  p95ResponseMs: number | null;
  responses: number;
};
export type AppStatus = { state: ComponentState; errorRate: number | null; p95ResponseMs: number | null };

/**
 * The chat app over the last APP_WINDOW_MS: each figure is judged only with MIN_APP_SAMPLES behind it.
 * Above a threshold is degraded; OUTAGE_ERROR_RATE or more failing is an outage; nothing to judge is unknown.
 */
export function appStatus(metrics: AppMetrics, thresholds: AppThresholds): AppStatus {
  const errorRate = metrics.requests >= MIN_APP_SAMPLES ? metrics.errorRate : null;
  const p95ResponseMs = metrics.responses >= MIN_APP_SAMPLES ? metrics.p95ResponseMs : null;
  let state: ComponentState;
  if (errorRate === null && p95ResponseMs === null) state = 'unknown';
  else if (errorRate !== null && errorRate >= OUTAGE_ERROR_RATE) state = 'outage';
  else if (
    (errorRate !== null && errorRate > thresholds.errorRate) ||
    (p95ResponseMs !== null && p95ResponseMs > thresholds.p95ResponseMs)
  )
    state = 'degraded';
  else state = 'operational';
  return { state, errorRate, p95ResponseMs };
}

/**
 * The banner: a database or chat-app outage is a major outage; any other outage, degradation or open
 * incident is degraded performance; nothing known at all (no fresh check, no traffic, no incident) is
 * unknown; otherwise all operational.
 */
export function overallStatus(input: {
  dependencies: readonly { dependency: CheckName; state: ComponentState }[];
  app: ComponentState;
  openIncidents: number;
}): OverallStatus {
  const database = input.dependencies.find((d) => d.dependency === 'database')?.state;
  if (database === 'outage' || input.app === 'outage') return 'major';
  const states = [...input.dependencies.map((d) => d.state), input.app];
  if (input.openIncidents > 0 || states.some((s) => s === 'outage' || s === 'degraded')) return 'degraded';
  if (states.every((s) => s === 'unknown')) return 'unknown';
  return 'operational';
}

export type FiringRow = { ruleId: string; name: string; severity: Severity; since: Date };
export type ResolvedRow = {
  ruleId: string;
  name: string;
  severity: Severity;
  startedAt: Date | null;
  resolvedAt: Date;
};

export type OpenIncident = { name: string; severity: string; since: string };
export type ResolvedIncident = { name: string; severity: string; startedAt: string; resolvedAt: string };

/** One open incident per rule, however many groups (models, routes) fire: since its earliest firing group. */
export function openIncidents(rows: readonly FiringRow[]): OpenIncident[] {
  const byRule = new Map<string, FiringRow>();
  for (const r of rows) {
    const seen = byRule.get(r.ruleId);
    if (!seen || r.since.getTime() < seen.since.getTime()) byRule.set(r.ruleId, r);
  }
  return [...byRule.values()]
    .sort((a, b) => a.since.getTime() - b.since.getTime() || a.name.localeCompare(b.name))
    .map((r) => ({ name: r.name, severity: severityWord(r.severity), since: r.since.toISOString() }));
}

/**
 * Resolved incidents, newest end first: overlapping firing spans of one rule (several groups) merge into one,
 * so the page never hints at how many models or routes were involved. A resolve without a known start
 * counts as starting when it resolved.
 */
export function resolvedIncidents(rows: readonly ResolvedRow[], limit = MAX_RESOLVED): ResolvedIncident[] {
  const byRule = new Map<string, ResolvedRow[]>();
  for (const r of rows) byRule.set(r.ruleId, [...(byRule.get(r.ruleId) ?? []), r]);
  const merged: { name: string; severity: Severity; start: number; end: number }[] = [];
  for (const list of byRule.values()) {
    const spans = list
      .map((r) => ({
        name: r.name,
        severity: r.severity,
        start: (r.startedAt ?? r.resolvedAt).getTime(),
        end: r.resolvedAt.getTime(),
      }))
      .sort((a, b) => a.start - b.start);
    let current: (typeof spans)[number] | null = null;
    for (const s of spans) {
      if (current && s.start <= current.end) current.end = Math.max(current.end, s.end);
      else {
        current = { ...s };
        merged.push(current);
      }
    }
  }
  return merged
    .sort((a, b) => b.end - a.end || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((m) => ({
      name: m.name,
      severity: severityWord(m.severity),
      startedAt: new Date(m.start).toISOString(),
      resolvedAt: new Date(m.end).toISOString(),
    }));
}

export type DependencyStatus = {
  dependency: CheckName;
  label: string;
  state: ComponentState;
  /** Share of ok checks over the UPTIME_DAYS days, or null without checks. */
  uptime: number | null;
  days: UptimeDay[];
};

export type StatusPage = {
  name: string;
  slug: string;
  generatedAt: string;
  overall: OverallStatus;
  dependencies: DependencyStatus[];
  app: AppStatus;
  open: OpenIncident[];
  resolved: ResolvedIncident[];
};

/** Everything the readers fetched, in the shape they fetched it; `buildStatusPage` keeps only what is public. */
export type StatusInputs = {
  project: { slug: string; name: string };
  latest: readonly LatestCheck[];
  dayCounts: readonly DayCount[];
  metrics: AppMetrics;
  thresholds: AppThresholds;
  firing: readonly FiringRow[];
  resolved: readonly ResolvedRow[];
};

export function buildStatusPage(input: StatusInputs, now: Date): StatusPage {
  const dependencies: DependencyStatus[] = [];
  for (const dependency of CHECK_NAMES) {
    const latest = input.latest.find((l) => l?.dependency === dependency) ?? null;
    const state = dependencyState(latest, now);
    if (state === null) continue;
    const counts = input.dayCounts.filter((c) => c.dependency === dependency);
    dependencies.push({
      dependency,
      label: DEPENDENCY_LABELS[dependency],
      state,
      uptime: rangeUptime(counts, now, UPTIME_DAYS),
      days: fillDays(counts, now, UPTIME_DAYS),
    });
  }
  const app = appStatus(input.metrics, input.thresholds);
  const open = openIncidents(input.firing);
  return {
    name: input.project.name,
    slug: input.project.slug,
    generatedAt: now.toISOString(),
    overall: overallStatus({ dependencies, app: app.state, openIncidents: open.length }),
    dependencies,
    app,
    open,
    resolved: resolvedIncidents(input.resolved),
  };
}
