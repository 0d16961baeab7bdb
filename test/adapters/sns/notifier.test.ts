import { AuthorizationErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../functions/adapters/sns/notifier.js';
import type { Notification } from '../../../functions/core/alert-types.js';
import { announcedFinding, notification as announcement } from '../../support/notifications.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ecr-replication-role-alerts';
const sns = mockClient(SNSClient);

/** An account-wide ROLE_POLICY_DRIFT: no Regions, one unexpected policy. */
function notification(overrides: Partial<Notification> = {}): Notification {
  return announcement({
    finding: announcedFinding({
      code: 'ROLE_POLICY_DRIFT',
      severity: 'medium',
      message: 'The role AWSServiceRoleForECRReplication does not carry exactly the managed policy.',
      regions: [],
      evidence: { unexpected: ['arn:aws:iam::123456789012:policy/Extra'] },
      remediation:
        'Review with `aws iam list-attached-role-policies --role-name AWSServiceRoleForECRReplication`.',
    }),
    ...overrides,
  });
}

describe('SnsNotifier', () => {
  afterEach(() => {
    sns.reset();
  });

  it('publishes the chat message with a subject and filterable attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);

    // Act
    await notifier.send(notification());

    // Assess
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC_ARN,
      Message: expect.any(String),
      Subject: '[MEDIUM] ROLE_POLICY_DRIFT opened in 123456789012',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'medium' },
        code: { DataType: 'String', StringValue: 'ROLE_POLICY_DRIFT' },
        account: { DataType: 'String', StringValue: '123456789012' },
        transition: { DataType: 'String', StringValue: 'opened' },
      },
    });
    // An AWS chat custom notification, field by field.
    expect(JSON.parse(input?.Message ?? '')).toEqual({
      version: '1.0',
      source: 'custom',
      id: '123456789012:ROLE_POLICY_DRIFT:opened:2026-11-24T10:00:00.000Z',
      content: {
        textType: 'client-markdown',
        title: '🟠 ROLE_POLICY_DRIFT opened · 123456789012',
        description: [
          'The role AWSServiceRoleForECRReplication does not carry exactly the managed policy.',
          '*Account:* 123456789012',
          '*Regions:* none (account-wide)',
          '*Severity:* medium',
          '*Observed:* 2026-11-24T10:00:00.000Z',
          '*Evidence:*',
          '```',
          'unexpected: ["arn:aws:iam::123456789012:policy/Extra"]',
          '```',
        ].join('\n'),
        nextSteps: [
          'Review with `aws iam list-attached-role-policies --role-name AWSServiceRoleForECRReplication`.',
        ],
        keywords: ['ROLE_POLICY_DRIFT', 'medium', '123456789012'],
      },
      metadata: {
        threadId: '123456789012:ROLE_POLICY_DRIFT',
        summary:
          'ROLE_POLICY_DRIFT opened in 123456789012: The role AWSServiceRoleForECRReplication does not carry exactly the managed policy.',
        eventType: 'ecr-replication-role-opened',
        relatedResources: [
          'arn:aws:iam::123456789012:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication',
        ],
        additionalContext: {
          transition: 'opened',
          code: 'ROLE_POLICY_DRIFT',
          severity: 'medium',
          account: '123456789012',
          regions: '',
          observedAt: '2026-11-24T10:00:00.000Z',
          finding:
            '{"code":"ROLE_POLICY_DRIFT","severity":"medium",' +
            '"message":"The role AWSServiceRoleForECRReplication does not carry exactly the managed policy.",' +
            '"regions":[],"evidence":{"unexpected":["arn:aws:iam::123456789012:policy/Extra"]},' +
            '"remediation":"Review with `aws iam list-attached-role-policies --role-name AWSServiceRoleForECRReplication`."}',
        },
      },
    });
    expect(notifier.channel).toBe('sns');
  });

  it('publishes a resolution with its own subject, transition and message', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);

    // Act
    await notifier.send(notification({ transition: 'resolved' }));

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe('[RESOLVED] ROLE_POLICY_DRIFT in 123456789012');
    expect(input?.MessageAttributes?.transition).toEqual({ DataType: 'String', StringValue: 'resolved' });
    const message = JSON.parse(input?.Message ?? '');
    expect(message).toMatchObject({
      id: '123456789012:ROLE_POLICY_DRIFT:resolved:2026-11-24T10:00:00.000Z',
      content: {
        title: '✅ ROLE_POLICY_DRIFT resolved · 123456789012',
        description: [
          '*Resolved:* ROLE_POLICY_DRIFT is no longer found in account 123456789012 (observed 2026-11-24T10:00:00.000Z).',
          'It was: The role AWSServiceRoleForECRReplication does not carry exactly the managed policy.',
          '*Regions:* none (account-wide)',
        ].join('\n'),
      },
      metadata: {
        summary: 'Resolved: ROLE_POLICY_DRIFT in 123456789012',
        eventType: 'ecr-replication-role-resolved',
        additionalContext: { transition: 'resolved' },
      },
    });
    // A resolution has nothing left to do.
    expect(message.content).not.toHaveProperty('nextSteps');
  });

  it('lets a failed publish throw the SDK error', async () => {
    // Prepare
    const denied = new AuthorizationErrorException({
      message: 'User is not authorized to perform: SNS:Publish',
      $metadata: { httpStatusCode: 403 },
    });
    sns.on(PublishCommand).rejects(denied);
    const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);

    // Act
    const sending = notifier.send(notification());

    // Assess
    await expect(sending).rejects.toBeInstanceOf(AuthorizationErrorException);
    await expect(sending).rejects.toThrow('not authorized to perform: SNS:Publish');
  });
});
