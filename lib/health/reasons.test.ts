import { describe, expect, it } from 'vitest';
import { ProbeFailure, ProbeTimeout, reasonFor } from './reasons';

describe('reasonFor', () => {
  it('keeps the fixed phrase of a probe verdict and of a timeout', () => {
    expect(reasonFor(new ProbeFailure('HTTP 401'), 'request failed')).toBe('HTTP 401');
    expect(reasonFor(new ProbeTimeout(2000), 'request failed')).toBe('timeout after 2000 ms');
  });

  it('finds a known code on the error, in its cause chain or among AggregateError members', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    expect(reasonFor(refused, 'query failed')).toBe('connection refused');
    expect(reasonFor(new TypeError('fetch failed', { cause: refused }), 'request failed')).toBe(
      'connection refused',
    );
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' });
    expect(reasonFor(new AggregateError([new Error('x'), dns]), 'query failed')).toBe('host not found');
  });

  it('maps Postgres SQLSTATEs that a health check can meet', () => {
    const authFailed = Object.assign(new Error('password authentication failed for user "app"'), {
      code: '28P01',
    });
    expect(reasonFor(authFailed, 'query failed')).toBe('authentication failed');
  });

  it('never passes an unknown error text through, only the fallback', () => {
    const leaky = new Error('401 invalid x-api-key sk-ant-secret for https://user:pw@host');
    expect(reasonFor(leaky, 'request failed')).toBe('request failed');
    expect(reasonFor(Object.assign(new Error('boom'), { code: 'sk-ant-secret' }), 'query failed')).toBe(
      'query failed',
    );
    expect(reasonFor('a thrown string', 'command failed')).toBe('command failed');
  });
});
