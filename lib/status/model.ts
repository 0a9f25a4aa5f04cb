import type { Rule, Severity } from '@/lib/alerts/engine/types';
import { thresholdsFromRules } from '@/lib/dashboard/thresholds';
import { CHECK_NAMES, type CheckName, type ProbeState } from '@/lib/health/status';
import { fillDays, UPTIME_DAYS, type DayCount, type UptimeDay } from './uptime';

/**
 * What the public status page shows, and only that: states in words, one coloured bar per day, incidents
 * as a title per kind with a severity word and times. No figure (rate, latency, share, count), threshold,
 * rule name, project id, group key, health-check reason or latency may reach it.
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

/**
 * Categories and severities a status page shows: what the public feels (the service failing, slow, or a
 * dependency down). Cost, security and usage alerts, and P4, are internal.
 */
export const PUBLIC_CATEGORIES = ['reliability', 'performance', 'dependency'] as const;
export type PublicCategory = (typeof PUBLIC_CATEGORIES)[number];
export const PUBLIC_SEVERITIES = ['P1', 'P2', 'P3'] as const;

/** An incident's public title: rule names are internal (they often carry a threshold or a model name). */
export const INCIDENT_TITLES: Record<PublicCategory, string> = {
  reliability: 'Increased errors',
  performance: 'Slower responses',
  dependency: 'A dependency is down',
};

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
/** The chat app's state only: its figures and the thresholds that judged them stay on the server. */
export type AppStatus = { state: ComponentState };

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
  return { state };
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

export type FiringRow = { ruleId: string; category: PublicCategory; severity: Severity; since: Date };
export type ResolvedRow = {
  ruleId: string;
  category: PublicCategory;
  severity: Severity;
  startedAt: Date | null;
  resolvedAt: Date;
};

export type OpenIncident = { title: string; severity: string; since: string };
export type ResolvedIncident = { title: string; severity: string; startedAt: string; resolvedAt: string };

/** P1 before P2: the more severe of two. */
const worst = (a: Severity, b: Severity): Severity => (a < b ? a : b);

/**
 * One open incident per kind (category), however many rules and groups fire: since the earliest, at the
 * worst severity, oldest first.
 */
export function openIncidents(rows: readonly FiringRow[]): OpenIncident[] {
  const byCategory = new Map<PublicCategory, { severity: Severity; since: number }>();
  for (const r of rows) {
    const seen = byCategory.get(r.category);
    byCategory.set(r.category, {
      severity: seen ? worst(seen.severity, r.severity) : r.severity,
      since: Math.min(seen?.since ?? Infinity, r.since.getTime()),
    });
  }
  return [...byCategory.entries()]
    .map(([category, i]) => ({ title: INCIDENT_TITLES[category], ...i }))
    .sort((a, b) => a.since - b.since || a.title.localeCompare(b.title))
    .map((i) => ({
      title: i.title,
      severity: severityWord(i.severity),
      since: new Date(i.since).toISOString(),
    }));
}

/**
 * Resolved incidents, newest end first: overlapping firing spans of one kind (several rules or groups) merge
 * into one at the worst severity, so the page never hints at how many rules, models or routes were involved.
 * A resolve without a known start counts as starting when it resolved.
 */
export function resolvedIncidents(rows: readonly ResolvedRow[], limit = MAX_RESOLVED): ResolvedIncident[] {
  const merged: { category: PublicCategory; severity: Severity; start: number; end: number }[] = [];
  for (const category of PUBLIC_CATEGORIES) {
    const spans = rows
      .filter((r) => r.category === category)
      .map((r) => ({
        category,
        severity: r.severity,
        start: (r.startedAt ?? r.resolvedAt).getTime(),
        end: r.resolvedAt.getTime(),
      }))
      .sort((a, b) => a.start - b.start);
    let current: (typeof spans)[number] | null = null;
    for (const s of spans) {
      if (current && s.start <= current.end) {
        current.end = Math.max(current.end, s.end);
        current.severity = worst(current.severity, s.severity);
      } else {
        current = { ...s };
        merged.push(current);
      }
    }
  }
  return merged
    .map((m) => ({ ...m, title: INCIDENT_TITLES[m.category] }))
    .sort((a, b) => b.end - a.end || a.title.localeCompare(b.title))
    .slice(0, limit)
    .map((m) => ({
      title: m.title,
      severity: severityWord(m.severity),
      startedAt: new Date(m.start).toISOString(),
      resolvedAt: new Date(m.end).toISOString(),
    }));
}

export type DependencyStatus = {
  dependency: CheckName;
  label: string;
  state: ComponentState;
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
