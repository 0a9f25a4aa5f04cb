import type { AlertNotification } from './types';

/** A firing P1 notification for tests; override any field. */
export function sampleNotification(over: Partial<AlertNotification> = {}): AlertNotification {
  return {
    kind: 'firing',
    ruleKey: 'error-rate',
    ruleName: 'Error rate > 1%',
    severity: 'P1',
    state: 'firing',
    value: 0.0423,
    threshold: 0.01,
    window: '5m',
    group: null,
    startedAt: '2026-03-01T12:00:00.000Z',
    dedupKey: 'chatwatch:demo:error-rate:all:1740830400000',
    links: { dashboard: 'http://localhost:3000/p/demo', alert: 'http://localhost:3000/p/demo/alerts/42' },
    project: { slug: 'demo', name: 'Demo shop' },
    ...over,
  };
}

export function resolvedOf(n: AlertNotification, resolvedAt = '2026-03-01T12:20:00.000Z'): AlertNotification {
  return { ...n, kind: 'resolved', state: 'resolved', resolvedAt };
}
