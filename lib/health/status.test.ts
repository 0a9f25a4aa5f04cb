import { describe, expect, it } from 'vitest';
import { httpStatusOf, publicHealth, summarizeHealth, type ProbeResults } from './status';

const NOW = new Date('2025-01-02T03:04:05.000Z');
const allOk: ProbeResults = {
  database: { state: 'ok', latencyMs: 3 },
  cache: { state: 'ok', latencyMs: 1 },
  ai: { state: 'ok', latencyMs: 180 },
  auth: { state: 'ok', latencyMs: 95 },
};

describe('summarizeHealth', () => {
  it('answers healthy with every check true when everything is ok', () => {
    const report = summarizeHealth(allOk, NOW);
    expect(report).toEqual({
      status: 'healthy',
      checks: { database: true, cache: true, ai: true, auth: true },
      latency: { database: 3, cache: 1, ai: 180, auth: 95 },
      details: {
        database: { state: 'ok' },
        cache: { state: 'ok' },
        ai: { state: 'ok' },
        auth: { state: 'ok' },
      },
      timestamp: '2025-01-02T03:04:05.000Z',
    });
    expect(httpStatusOf(report)).toBe(200);
  });

  it('answers down (503) when the database fails, whatever the others say', () => {
    const report = summarizeHealth(
      {
        ...allOk,
        database: { state: 'fail', latencyMs: 2000, reason: 'timeout after 2000 ms' },
        cache: { state: 'fail', latencyMs: 4, reason: 'connection refused' },
      },
      NOW,
    );
    expect(report.status).toBe('down');
    expect(report.checks.database).toBe(false);
    expect(report.details.database).toEqual({ state: 'fail', reason: 'timeout after 2000 ms' });
    expect(report.latency.database).toBe(2000);
    expect(httpStatusOf(report)).toBe(503);
  });

  it.each(['cache', 'ai', 'auth'] as const)('answers degraded (200) when only %s fails', (name) => {
    const report = summarizeHealth(
      { ...allOk, [name]: { state: 'fail', latencyMs: 12, reason: 'HTTP 401' } },
      NOW,
    );
    expect(report.status).toBe('degraded');
    expect(report.checks[name]).toBe(false);
    expect(report.details[name]).toEqual({ state: 'fail', reason: 'HTTP 401' });
    expect(httpStatusOf(report)).toBe(200);
  });

  it('reports a dependency without credentials as not_configured: check false, no latency, status unaffected', () => {
    const report = summarizeHealth(
      {
        ...allOk,
        ai: { state: 'not_configured', reason: 'ANTHROPIC_API_KEY not set' },
        auth: { state: 'not_configured', reason: 'CLERK_SECRET_KEY not set' },
      },
      NOW,
    );
    expect(report.status).toBe('healthy');
    expect(report.checks).toEqual({ database: true, cache: true, ai: false, auth: false });
    expect(report.latency).toEqual({ database: 3, cache: 1 });
    expect(report.details.ai).toEqual({ state: 'not_configured', reason: 'ANTHROPIC_API_KEY not set' });
    expect(httpStatusOf(report)).toBe(200);
  });

  it('still answers degraded when one dependency fails and another is not configured', () => {
    const report = summarizeHealth(
      {
        ...allOk,
        ai: { state: 'not_configured', reason: 'ANTHROPIC_API_KEY not set' },
        auth: { state: 'fail', latencyMs: 2000, reason: 'timeout after 2000 ms' },
      },
      NOW,
    );
    expect(report.status).toBe('degraded');
  });
});

describe('publicHealth', () => {
  it('keeps the verdict, the booleans and the time, and drops reasons and latency', () => {
    const report = summarizeHealth(
      {
        ...allOk,
        ai: { state: 'fail', latencyMs: 2000, reason: 'timeout after 2000 ms' },
        auth: { state: 'not_configured', reason: 'CLERK_SECRET_KEY not set' },
      },
      NOW,
    );
    const shown = publicHealth(report);
    expect(shown).toEqual({
      status: 'degraded',
      checks: { database: true, cache: true, ai: false, auth: false },
      timestamp: '2025-01-02T03:04:05.000Z',
    });
    expect(JSON.stringify(shown)).not.toMatch(/timeout|CLERK|not_configured|2000/);
    expect(
      httpStatusOf(
        publicHealth(
          summarizeHealth({ ...allOk, database: { state: 'fail', latencyMs: 1, reason: 'x' } }, NOW),
        ),
      ),
    ).toBe(503);
  });
});
