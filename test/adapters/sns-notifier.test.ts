import { AuthorizationErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.js';
import type { Notification } from '../../functions/core/alert-types.js';
import { renderChatMessage } from '../../functions/core/render-chat.js';
import { ACCOUNT, OBSERVED_AT } from '../support/reads.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ecr-replication-role-alerts';
const sns = mockClient(SNSClient);

function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    transition: 'opened',
    account: ACCOUNT,
    observedAt: OBSERVED_AT,
    finding: {
      code: 'ROLE_POLICY_DRIFT',
      severity: 'medium',
      message: 'The role AWSServiceRoleForECRReplication does not carry exactly the managed policy.',
      regions: [],
      evidence: { unexpected: ['arn:aws:iam::123456789012:policy/Extra'] },
      remediation:
        'Review with `aws iam list-attached-role-policies --role-name AWSServiceRoleForECRReplication`.',
    },
    ...overrides,
  };
}

describe('SnsNotifier', () => {
  afterEach(() => {
    sns.reset();
  });

  it('publishes the chat message with a subject and filterable attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);
    const input = notification();

    // Act
    await notifier.send(input);

    // Assess
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TopicArn: TOPIC_ARN,
      Message: JSON.stringify(renderChatMessage(input)),
      Subject: '[MEDIUM] ROLE_POLICY_DRIFT opened in 123456789012',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'medium' },
        code: { DataType: 'String', StringValue: 'ROLE_POLICY_DRIFT' },
        account: { DataType: 'String', StringValue: ACCOUNT },
        transition: { DataType: 'String', StringValue: 'opened' },
      },
    });
    expect(JSON.parse(calls[0]?.args[0].input.Message ?? '')).toMatchObject({
      version: '1.0',
      source: 'custom',
    });
    expect(notifier.channel).toBe('sns');
  });

  it('publishes a resolution with its own subject and transition', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);

    // Act
    await notifier.send(notification({ transition: 'resolved' }));

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe('[RESOLVED] ROLE_POLICY_DRIFT in 123456789012');
    expect(input?.MessageAttributes?.transition).toEqual({ DataType: 'String', StringValue: 'resolved' });
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
