import { describe, expect, it } from 'vitest';
import { buildDigestSlackPayload, type DigestNotification } from './digest';
import { buildSlackPayload, slackEscape, slackText, type SlackPayload } from './slack';
import { resolvedOf, sampleNotification } from './test-fixtures';

describe('slack payload', () => {
  it('has a text fallback and header, section and context blocks', () => {
    const p = buildSlackPayload(sampleNotification());
    expect(p.text).toContain('[P1] FIRING: Error rate &gt; 1% (Demo shop)');
    expect(p).toMatchObject({ unfurl_links: false, unfurl_media: false });
    expect(p.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(p.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[P1] FIRING: Error rate &gt; 1%', emoji: false },
    });
    const section = p.blocks[1];
    if (section?.type !== 'section') throw new Error('no section');
    expect(section.fields?.map((f) => f.text)).toEqual([
      '*Value*\n0.0423',
      '*Threshold*\n0.01',
      '*Window*\n5m',
      '*Group*\nn/a',
    ]);
    const context = p.blocks[2];
    if (context?.type !== 'context') throw new Error('no context');
    expect(context.elements[1]?.text).toBe(
      '<http://localhost:3000/p/demo/alerts/42|Alert> · <http://localhost:3000/p/demo|Dashboard>',
    );
  });

  it('says RESOLVED for resolved notifications and TEST for tests', () => {
    const resolved = buildSlackPayload(
      resolvedOf(sampleNotification({ severity: 'P2', ruleName: 'p95 latency > 2 s' })),
    );
    expect(resolved.blocks[0]).toMatchObject({ text: { text: '[P2] RESOLVED: p95 latency &gt; 2 s' } });
    expect(resolved.text).toContain('RESOLVED');
    expect(JSON.stringify(resolved.blocks[2])).toContain('resolved 2026-03-01T12:20:00.000Z');
    expect(buildSlackPayload(sampleNotification({ kind: 'test' })).text).toContain('[P1] TEST: ');
  });

  it('escapes mrkdwn control characters and keeps the header to 150 characters on one line', () => {
    expect(slackEscape('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    const p = buildSlackPayload(
      sampleNotification({ ruleName: `long\nname ${'x'.repeat(300)}`, group: '<model>' }),
    );
    const header = p.blocks[0];
    if (header?.type !== 'header') throw new Error('no header');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).not.toContain('\n');
    expect(JSON.stringify(p.blocks[1])).toContain('&lt;model&gt;');
  });

  it('keeps an escaped header within 150 characters without cutting an entity', () => {
    const p = buildSlackPayload(sampleNotification({ ruleName: '<'.repeat(200) }));
    const header = p.blocks[0];
    if (header?.type !== 'header') throw new Error('no header');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).toMatch(/(&lt;)+…$/);
    expect(slackText('a&b', 4)).toBe('a…');
  });
});

const HOSTILE = '<https://evil.example|click> <!channel> <@U024BE7LH> <#C024BE7LH> &amp; <!subteam^S0|x>';

/** Every text a Slack payload carries, with the links we write ourselves (`<http://localhost:3000...|Label>`) taken out. */
function textsOf(p: SlackPayload): string[] {
  const out = [p.text];
  for (const b of p.blocks) {
    if (b.type === 'header') out.push(b.text.text);
    if (b.type === 'section')
      out.push(...(b.fields ?? []).map((f) => f.text), ...(b.text ? [b.text.text] : []));
    if (b.type === 'context') out.push(...b.elements.map((e) => e.text));
  }
  return out.map((t) => t.replace(/<http:\/\/localhost:3000[^<>|]*\|(Alert|Dashboard|Alerts)>/g, ''));
}

describe('hostile text from events in Slack', () => {
  it('never becomes a link, a mention or an entity, in the fallback, header, fields or context', () => {
    const p = buildSlackPayload(
      sampleNotification({
        group: HOSTILE,
        ruleName: `Model ${HOSTILE}`,
        window: '<!here>',
        project: { slug: 'demo', name: '<!everyone>' },
      }),
    );
    const texts = textsOf(p);
    for (const t of texts) {
      expect(t).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(p.text).toContain('&lt;https://evil.example|click&gt; &lt;!channel&gt;');
    expect(p.text).toContain('&amp;amp;');
    expect(JSON.stringify(p.blocks[1])).toContain('&lt;!here&gt;');
    expect(JSON.stringify(p.blocks[2])).toContain('&lt;!everyone&gt;');
    // mrkdwn is taken verbatim: Slack does not auto-link a bare URL or channel name in it
    for (const b of p.blocks)
      if (b.type === 'section' || b.type === 'context')
        for (const t of b.type === 'section' ? (b.fields ?? []) : b.elements)
          expect(t).toMatchObject({ type: 'mrkdwn', verbatim: true });
  });

  it('keeps our own links working when the group ends up in their query', () => {
    const p = buildSlackPayload(
      sampleNotification({
        links: { alert: 'http://localhost:3000/alerts?group=a|b>c<d', dashboard: 'http://localhost:3000/' },
      }),
    );
    const context = p.blocks[2];
    if (context?.type !== 'context') throw new Error('no context');
    expect(context.elements[1]?.text).toBe(
      '<http://localhost:3000/alerts?group=a%7Cb%3Ec%3Cd|Alert> · <http://localhost:3000/|Dashboard>',
    );
  });

  it('escapes the daily digest too', () => {
    const item = {
      ruleKey: 'r',
      ruleName: HOSTILE,
      severity: 'P4' as const,
      group: '<!channel>',
      startedAt: '2026-03-01T00:00:00.000Z',
      resolvedAt: null,
    };
    const digest: DigestNotification = {
      day: '2026-03-01',
      project: { slug: 'demo', name: '<!channel> shop' },
      lowPriority: [item],
      incidents: [{ ...item, severity: 'P1' }],
      links: { alerts: 'http://localhost:3000/alerts?project=demo' },
    };
    const p = buildDigestSlackPayload(digest);
    for (const t of textsOf(p)) expect(t).not.toMatch(/[<>]/);
    expect(p.text).toContain('(&lt;!channel&gt; shop)');
    expect(JSON.stringify(p.blocks)).toContain('&lt;https://evil.example|click&gt;');
    expect(p).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });
});
