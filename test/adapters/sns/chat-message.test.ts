import { describe, expect, it } from 'vitest';
import { CHAT_MESSAGE_MAX_BYTES, renderChatMessage } from '../../../functions/adapters/sns/chat-message.js';
import type { Notification, TransitionKind, TriggerContext } from '../../../functions/core/alert-types.js';
import { reconcileReport } from '../../../functions/core/rule.js';
import type { AnnouncedFinding, Finding } from '../../../functions/core/types.js';
import { notification as announcement } from '../../support/notifications.js';
import { ACCOUNT, accountRead, registry, role } from '../../support/reads.js';

const TRIGGER: TriggerContext = {
  eventId: '5b2c0d4e-0000-4000-8000-000000000001',
  eventName: 'DeleteServiceLinkedRole',
  eventTime: '2026-11-24T09:58:00Z',
  eventSource: 'iam.amazonaws.com',
  awsRegion: 'us-east-1',
  actorArn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
  sourceIPAddress: '198.51.100.7',
};

/** A real ROLE_MISSING finding, as the rule produces it. */
function missingRole(): Finding {
  const report = reconcileReport(
    accountRead([registry.replicating('us-west-2'), registry.replicating('eu-west-1')], role.absent()),
  );
  const finding = report.findings.find((f) => f.code === 'ROLE_MISSING');
  if (!finding) throw new Error('expected ROLE_MISSING');
  return finding;
}

/** A notification of {@link missingRole}. */
function notification(overrides: Partial<Notification> = {}): Notification {
  return announcement({ finding: missingRole(), ...overrides });
}

const SCHEMA_KEYS = {
  top: ['content', 'id', 'metadata', 'source', 'version'],
  content: ['description', 'keywords', 'nextSteps', 'textType', 'title'],
  metadata: ['additionalContext', 'eventType', 'relatedResources', 'summary', 'threadId'],
};

/** Every key outside the documented schema makes Chatbot drop the message. */
function keysOutsideSchema(message: unknown): string[] {
  const parsed = JSON.parse(JSON.stringify(message)) as Record<string, Record<string, unknown>>;
  const outside = (object: Record<string, unknown> | undefined, allowed: string[], at: string) =>
    Object.keys(object ?? {})
      .filter((key) => !allowed.includes(key))
      .map((key) => `${at}${key}`);
  return [
    ...outside(parsed, SCHEMA_KEYS.top, ''),
    ...outside(parsed.content, SCHEMA_KEYS.content, 'content.'),
    ...outside(parsed.metadata, SCHEMA_KEYS.metadata, 'metadata.'),
  ];
}

describe('renderChatMessage', () => {
  it.each<TransitionKind>(['opened', 'changed', 'reminder', 'resolved'])(
    'renders a %s alert in the custom notification schema and nothing else',
    (transition) => {
      // Prepare
      const input = notification({ transition, trigger: TRIGGER });

      // Act
      const message = JSON.parse(JSON.stringify(renderChatMessage(input)));

      // Assess
      expect(message).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown' },
      });
      expect(message.content.title).toEqual(expect.any(String));
      expect(message.content.description).toEqual(expect.any(String));
      expect(keysOutsideSchema(message)).toEqual([]);
      for (const value of Object.values(message.metadata.additionalContext))
        expect(typeof value).toBe('string');
      for (const list of [
        message.content.nextSteps ?? [],
        message.content.keywords,
        message.metadata.relatedResources,
      ]) {
        for (const item of list) expect(typeof item).toBe('string');
      }
    },
  );

  it('titles an opened alert with its severity, code, transition and account', () => {
    // Act
    const message = renderChatMessage(notification());

    // Assess
    expect(message.content.title).toBe('🔴 ROLE_MISSING opened · 123456789012');
  });

  it('says plainly that a resolved alert is resolved, without next steps', () => {
    // Act
    const message = renderChatMessage(notification({ transition: 'resolved' }));

    // Assess
    expect(message.content.title).toBe('✅ ROLE_MISSING resolved · 123456789012');
    expect(message.content.description).toMatch(/^\*Resolved:\* ROLE_MISSING is no longer found/);
    expect(message.content).not.toHaveProperty('nextSteps');
    expect(message.metadata.summary).toBe('Resolved: ROLE_MISSING in 123456789012');
  });

  it('describes the message, account, Regions and evidence, and gives the remediation as next steps', () => {
    // Prepare
    const input = notification();

    // Act
    const { content } = renderChatMessage(input);

    // Assess
    expect(content.description).toContain(input.finding.message);
    expect(content.description).toContain('*Account:* 123456789012');
    expect(content.description).toContain('*Regions:* eu-west-1, us-west-2');
    expect(content.description).toContain('getRole: "NoSuchEntity"');
    expect(content.description).not.toContain('Triggered by');
    expect(content.nextSteps?.join(' ')).toBe(input.finding.remediation);
    expect(content.nextSteps?.some((step) => step.includes('`aws iam create-service-linked-role'))).toBe(
      true,
    );
    expect(content.keywords).toEqual(['ROLE_MISSING', 'high', ACCOUNT, 'eu-west-1', 'us-west-2']);
  });

  it('says who did what, when and from where when an event led to the alert', () => {
    // Act
    const { content } = renderChatMessage(notification({ trigger: TRIGGER }));

    // Assess
    expect(content.description).toContain(
      '*Triggered by:* Who: `arn:aws:sts::123456789012:assumed-role/Admin/alice` · ' +
        'What: `DeleteServiceLinkedRole (iam.amazonaws.com, us-east-1)` · When: `2026-11-24T09:58:00Z` · ' +
        'From: `198.51.100.7`',
    );
  });

  it('threads every message of one alert together and carries the whole finding for programs', () => {
    // Prepare
    const input = notification({ trigger: TRIGGER });

    // Act
    const opened = renderChatMessage(input);
    const resolved = renderChatMessage({
      ...input,
      transition: 'resolved',
      observedAt: '2026-11-24T11:00:00.000Z',
    });

    // Assess
    expect(opened.metadata.threadId).toBe(`${ACCOUNT}:ROLE_MISSING`);
    expect(resolved.metadata.threadId).toBe(opened.metadata.threadId);
    expect(resolved.id).not.toBe(opened.id);
    expect(JSON.parse(opened.metadata.additionalContext.finding ?? '')).toEqual(input.finding);
    expect(JSON.parse(opened.metadata.additionalContext.trigger ?? '')).toEqual(TRIGGER);
    expect(opened.metadata.additionalContext).toMatchObject({
      transition: 'opened',
      code: 'ROLE_MISSING',
      severity: 'high',
      account: ACCOUNT,
      regions: 'eu-west-1,us-west-2',
    });
    expect(opened.metadata.additionalContext).not.toHaveProperty('evidenceTruncated');
    expect(opened.metadata.relatedResources).toEqual([
      'arn:aws:iam::123456789012:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication',
    ]);
  });

  it('names the look-alike role it saw as the related resource', () => {
    // Prepare
    const finding: AnnouncedFinding = {
      ...missingRole(),
      code: 'ROLE_NOT_SERVICE_LINKED',
      evidence: { arn: 'arn:aws:iam::123456789012:role/AWSServiceRoleForECRReplication' },
    };

    // Act
    const message = renderChatMessage(notification({ finding }));

    // Assess
    expect(message.metadata.relatedResources).toEqual([
      'arn:aws:iam::123456789012:role/AWSServiceRoleForECRReplication',
    ]);
  });

  it('shrinks huge evidence to fit one SNS message, keeping its structure, and says so', () => {
    // Prepare
    const huge = Array.from({ length: 20_000 }, (_, i) => ({ region: `r-${i}`, note: 'x'.repeat(100) }));
    const finding: AnnouncedFinding = { ...missingRole(), evidence: { huge, small: 'kept' } };

    // Act
    const message = renderChatMessage(notification({ finding }));

    // Assess
    expect(new TextEncoder().encode(JSON.stringify(message)).length).toBeLessThanOrEqual(
      CHAT_MESSAGE_MAX_BYTES,
    );
    expect(CHAT_MESSAGE_MAX_BYTES).toBeLessThan(256 * 1024);
    expect(message.metadata.additionalContext.evidenceTruncated).toBe('true');
    const carried = JSON.parse(message.metadata.additionalContext.finding ?? '') as AnnouncedFinding;
    expect(carried.code).toBe('ROLE_MISSING');
    expect(carried.remediation).toBe(finding.remediation);
    expect(carried.evidence.small).toBe('kept');
    expect(Array.isArray(carried.evidence.huge)).toBe(true);
    expect((carried.evidence.huge as unknown[]).at(-1)).toMatch(/^… \d+ more$/);
    expect(message.content.description.length).toBeLessThan(5000);
  });

  it('fits one SNS message even when the message and remediation themselves are huge', () => {
    // Prepare
    const finding: AnnouncedFinding = {
      ...missingRole(),
      message: 'm'.repeat(300_000),
      remediation: 'r'.repeat(300_000),
      evidence: { huge: 'e'.repeat(300_000) },
    };

    // Act
    const message = renderChatMessage(notification({ finding }));

    // Assess
    expect(new TextEncoder().encode(JSON.stringify(message)).length).toBeLessThanOrEqual(
      CHAT_MESSAGE_MAX_BYTES,
    );
    expect(message.metadata.additionalContext.evidenceTruncated).toBe('true');
    expect(keysOutsideSchema(message)).toEqual([]);
  });
});

describe('renderChatMessage: trigger values from outside', () => {
  /** What an unbounded event once produced: a 602 KB SNS message, which SNS refuses (> 256 KiB). */
  const HUGE = 'a'.repeat(300_000);

  it('fits one SNS message, whole finding kept, when the trigger holds hundreds of KB', () => {
    // Prepare
    const input = notification({
      trigger: {
        ...TRIGGER,
        actorArn: `arn:aws:sts::123456789012:assumed-role/Admin/${HUGE}`,
        sourceIPAddress: HUGE,
      },
    });

    // Act
    const message = renderChatMessage(input);

    // Assess
    expect(new TextEncoder().encode(JSON.stringify(message)).length).toBeLessThanOrEqual(
      CHAT_MESSAGE_MAX_BYTES,
    );
    expect(message.metadata.additionalContext).not.toHaveProperty('evidenceTruncated');
    expect(JSON.parse(message.metadata.additionalContext.finding ?? '')).toEqual(input.finding);
    expect(message.content.description.length).toBeLessThan(10_000);
  });

  it('shows and carries each trigger value cut to 2,048 characters with a visible ellipsis', () => {
    // Prepare
    const trigger = {
      ...TRIGGER,
      actorArn: `arn:aws:sts::123456789012:assumed-role/Admin/${HUGE}`,
      userAgent: HUGE,
    };

    // Act
    const message = renderChatMessage(notification({ trigger }));

    // Assess
    const carried = JSON.parse(message.metadata.additionalContext.trigger ?? '') as TriggerContext;
    expect(carried.actorArn).toBe(`${trigger.actorArn.slice(0, 2047)}…`);
    expect(carried.userAgent).toHaveLength(2048);
    expect(carried.eventId).toBe(TRIGGER.eventId);
    expect(message.content.description).toContain(`Who: \`${trigger.actorArn.slice(0, 2047)}…\``);
  });

  it('carries only the known trigger fields', () => {
    // Prepare
    const trigger = { ...TRIGGER, smuggled: HUGE } as TriggerContext;

    // Act
    const message = renderChatMessage(notification({ trigger }));

    // Assess
    expect(JSON.parse(message.metadata.additionalContext.trigger ?? '')).toEqual(TRIGGER);
  });

  it('takes the partition of the related role from the actor only when it is one', () => {
    // Act
    const message = renderChatMessage(notification({ trigger: { ...TRIGGER, actorArn: `arn:${HUGE}` } }));

    // Assess
    expect(message.metadata.relatedResources).toEqual([
      'arn:aws:iam::123456789012:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication',
    ]);
  });
});
