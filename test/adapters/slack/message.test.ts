import { describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../../functions/adapters/notification-text.js';
import {
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from '../../../functions/adapters/slack/message.js';
import type { TransitionKind, TriggerContext } from '../../../functions/core/alert-types.js';
import { announcedFinding, notification } from '../../support/notifications.js';
import { ACCOUNT, OBSERVED_AT } from '../../support/reads.js';

const TRIGGER: TriggerContext = {
  eventId: '5b2c0d4e-0000-4000-8000-000000000001',
  eventName: 'PutReplicationConfiguration',
  eventTime: '2026-11-24T09:58:00Z',
  eventSource: 'ecr.amazonaws.com',
  awsRegion: 'eu-west-1',
  actorArn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
  sourceIPAddress: '198.51.100.7',
};

/** Every piece of text Slack will read as mrkdwn, block by block. */
function mrkdwnTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((block): string[] => {
    if (block.type === 'section')
      return 'text' in block ? [block.text.text] : block.fields.map((f) => f.text);
    if (block.type === 'context') return block.elements.map((element) => element.text);
    return [];
  });
}

function blocksOf<T extends SlackBlock['type']>(message: SlackMessage, type: T) {
  return message.blocks.filter((block): block is Extract<SlackBlock, { type: T }> => block.type === type);
}

/** Is every `&` the start of one of the three entities, and no raw `<` or `>` left outside the console link? */
function onlyEscaped(text: string): boolean {
  const withoutLink = text.replace(/^<https:\/\/[^|>]+\|[^>]+>$/, '');
  return !/[<>]/.test(withoutLink) && !/&(?!amp;|lt;|gt;)/.test(withoutLink);
}

describe('renderSlackMessage', () => {
  it.each<TransitionKind>(['opened', 'changed', 'reminder', 'resolved'])(
    'always gives a fallback text and a header within limits (%s)',
    (transition) => {
      // Act
      const message = renderSlackMessage(notification({ transition, trigger: TRIGGER }));

      // Assess
      expect(message.text).toContain('ROLE_MISSING');
      expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
      const [first] = message.blocks;
      expect(first?.type).toBe('header');
      if (first?.type === 'header') {
        expect(first.text.type).toBe('plain_text');
        expect(first.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      }
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    },
  );

  it('shows the message, account, Regions, severity, evidence, remediation and a console link', () => {
    // Act
    const message = renderSlackMessage(notification());
    const texts = mrkdwnTexts(message);

    // Assess
    expect(message.text).toBe(`🔴 ROLE_MISSING opened in ${ACCOUNT}: ${announcedFinding().message}`);
    expect(texts).toContain(announcedFinding().message);
    expect(texts).toEqual(
      expect.arrayContaining([
        `*Account*\n${ACCOUNT}`,
        '*Regions*\neu-west-1, us-west-2',
        '*Severity*\n🔴 high',
      ]),
    );
    const evidence = texts.find((text) => text.startsWith('*Evidence*'));
    expect(evidence).toContain('getRole: "NoSuchEntity"');
    expect(evidence).not.toContain(OBSERVED_AT);
    expect(texts).toContain(`*Fix*\n${announcedFinding().remediation}`);
    expect(texts.at(-1)).toBe(
      '<https://eu-west-1.console.aws.amazon.com/ecr/private-registry/replication?region=eu-west-1|' +
        'Open the ECR replication settings in eu-west-1>',
    );
  });

  it('links the console of us-east-1 when the finding names no Region', () => {
    // Act
    const message = renderSlackMessage(notification({ finding: announcedFinding({ regions: [] }) }));

    // Assess
    expect(mrkdwnTexts(message).at(-1)).toMatch(
      /^<https:\/\/us-east-1\.console\.aws\.amazon\.com\/ecr\/private-registry\/replication\?region=us-east-1\|/,
    );
  });

  it('links the console given for other partitions, and ignores one that would break the link', () => {
    // Prepare
    const china = { consoleUrl: (region: string) => `https://${region}.console.amazonaws.cn/ecr/home` };
    const broken = { consoleUrl: () => 'https://evil.example/|Click>' };

    // Act
    const custom = mrkdwnTexts(renderSlackMessage(notification(), china)).at(-1);
    const fallback = mrkdwnTexts(renderSlackMessage(notification(), broken)).at(-1);

    // Assess
    expect(custom).toBe(
      '<https://eu-west-1.console.amazonaws.cn/ecr/home|Open the ECR replication settings in eu-west-1>',
    );
    expect(fallback).toMatch(/^<https:\/\/eu-west-1\.console\.aws\.amazon\.com\//);
  });

  it('says who did what, when and from where only when an event led to the alert', () => {
    // Act
    const withTrigger = renderSlackMessage(notification({ trigger: TRIGGER }));
    const fromSchedule = renderSlackMessage(notification());

    // Assess
    expect(blocksOf(withTrigger, 'context')).toEqual([
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '*Who:* arn:aws:sts::123456789012:assumed-role/Admin/alice' },
          { type: 'mrkdwn', text: '*What:* PutReplicationConfiguration (ecr.amazonaws.com, eu-west-1)' },
          { type: 'mrkdwn', text: '*When:* 2026-11-24T09:58:00Z' },
          { type: 'mrkdwn', text: '*From:* 198.51.100.7' },
        ],
      },
    ]);
    expect(blocksOf(fromSchedule, 'context')).toEqual([]);
  });

  it('escapes &, < and > in every value from outside', () => {
    // Prepare
    const hostile = '<!channel> & <https://evil.example|click> a>b';
    const input = notification({
      finding: announcedFinding({
        message: hostile,
        regions: [hostile],
        evidence: { note: hostile },
        remediation: `Run \`${hostile}\`.`,
      }),
      trigger: { ...TRIGGER, actorArn: hostile, sourceIPAddress: hostile },
    });

    // Act
    const message = renderSlackMessage(input);

    // Assess
    const texts = mrkdwnTexts(message);
    expect(texts.filter((text) => !onlyEscaped(text))).toEqual([]);
    expect(onlyEscaped(message.text)).toBe(true);
    expect(texts).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; a&gt;b');
    expect(escapeMrkdwn('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d');
  });

  it('keeps every block within Slack limits with 10 000-character evidence, remediation and message', () => {
    // Prepare
    const long = `${'&<>'.repeat(1000)}${'word '.repeat(1400)}`;
    const input = notification({
      finding: announcedFinding({
        message: long,
        remediation: `${'Do this `with a long command` now. '.repeat(290)}`,
        evidence: { big: long, list: Array.from({ length: 5000 }, (_, i) => i) },
        regions: Array.from({ length: 40 }, (_, i) => `xx-region-${i}`),
      }),
      trigger: { ...TRIGGER, actorArn: long },
    });
    expect(input.finding.remediation.length).toBeGreaterThan(10_000);
    expect(long.length).toBeGreaterThanOrEqual(10_000);

    // Act
    const message = renderSlackMessage(input);

    // Assess
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    for (const block of message.blocks) {
      if (block.type === 'section' && 'text' in block) {
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      }
      if (block.type === 'section' && 'fields' in block) {
        expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
      if (block.type === 'context') {
        for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
      }
    }
    const texts = mrkdwnTexts(message);
    const fixes = texts.slice(
      texts.findIndex((text) => text.startsWith('*Fix*')),
      -1,
    );
    expect(fixes.length).toBeGreaterThan(1);
    for (const fix of fixes) {
      expect(fix.replace(/^\*Fix\*\n/, '')).toMatch(/^Do this `with a long command` now\./);
      expect(fix.split('`').length % 2).toBe(1);
    }
    expect(mrkdwnTexts(message).every(onlyEscaped)).toBe(true);
  });

  it('keeps a resolution short and says plainly that it is resolved', () => {
    // Act
    const message = renderSlackMessage(notification({ transition: 'resolved' }));

    // Assess
    expect(message.text).toBe(`✅ Resolved: ROLE_MISSING in ${ACCOUNT}`);
    expect(message.blocks).toHaveLength(2);
    expect(mrkdwnTexts(message)[0]).toMatch(/^\*Resolved:\* ROLE_MISSING is no longer found/);
    expect(mrkdwnTexts(message).join('\n')).not.toContain('Fix');
  });

  it('marks a changed alert and a reminder as such', () => {
    // Act
    const changed = renderSlackMessage(notification({ transition: 'changed' }));
    const reminder = renderSlackMessage(notification({ transition: 'reminder' }));

    // Assess
    expect(mrkdwnTexts(changed)[0]).toBe(`*Changed:* ${announcedFinding().message}`);
    expect(mrkdwnTexts(reminder)[0]).toBe(`*Still open:* ${announcedFinding().message}`);
    expect(reminder.text).toMatch(/^🔴 ROLE_MISSING still open in /);
  });
});
