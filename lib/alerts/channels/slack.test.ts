import { describe, expect, it } from 'vitest';
import { buildSlackPayload, slackEscape } from './slack';
import { resolvedOf, sampleNotification } from './test-fixtures';

describe('slack payload', () => {
  it('has a text fallback and header, section and context blocks', () => {
    const p = buildSlackPayload(sampleNotification());
    expect(p.text).toContain('[P1] FIRING: Error rate > 1% (Demo shop)');
    expect(p.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[P1] FIRING: Error rate > 1%', emoji: false } });
    const section = p.blocks[1];
    if (section?.type !== 'section') throw new Error('no section');
    expect(section.fields?.map((f) => f.text)).toEqual(['*Value*\n0.0423', '*Threshold*\n0.01', '*Window*\n5m', '*Group*\nn/a']);
    const context = p.blocks[2];
    if (context?.type !== 'context') throw new Error('no context');
    expect(context.elements[1]?.text).toBe('<http://localhost:3000/p/demo/alerts/42|Alert> · <http://localhost:3000/p/demo|Dashboard>');
  });

  it('says RESOLVED for resolved notifications and TEST for tests', () => {
    const resolved = buildSlackPayload(resolvedOf(sampleNotification({ severity: 'P2', ruleName: 'p95 latency > 2 s' })));
    expect(resolved.blocks[0]).toMatchObject({ text: { text: '[P2] RESOLVED: p95 latency > 2 s' } });
    expect(resolved.text).toContain('RESOLVED');
    expect(JSON.stringify(resolved.blocks[2])).toContain('resolved 2026-03-01T12:20:00.000Z');
    expect(buildSlackPayload(sampleNotification({ kind: 'test' })).text).toContain('[P1] TEST: ');
  });

  it('escapes mrkdwn control characters and keeps the header to 150 characters on one line', () => {
    expect(slackEscape('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    const p = buildSlackPayload(sampleNotification({ ruleName: `long\nname ${'x'.repeat(300)}`, group: '<model>' }));
    const header = p.blocks[0];
    if (header?.type !== 'header') throw new Error('no header');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).not.toContain('\n');
    expect(JSON.stringify(p.blocks[1])).toContain('&lt;model&gt;');
  });
});
