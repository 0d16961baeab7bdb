import { describe, expect, it } from 'vitest';
import { renderSlackMessage } from '../../../functions/adapters/slack/message.js';
import { renderChatMessage } from '../../../functions/adapters/sns/chat-message.js';
import {
  publishedAsLine,
  publishedAsText,
  slackAsText,
} from '../../../functions/cli/render/received-messages.js';
import type { TriggerContext } from '../../../functions/core/alert-types.js';
import { notification } from '../../support/notifications.js';

const TRIGGER: TriggerContext = {
  eventId: '5b2c0d4e-0000-4000-8000-000000000001',
  eventName: 'DeleteRole',
  eventTime: '2026-11-24T09:58:00Z',
  eventSource: 'iam.amazonaws.com',
  awsRegion: 'us-east-1',
  actorArn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
  sourceIPAddress: '198.51.100.7',
};
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ecr-replication-role-alerts';

describe('slackAsText', () => {
  it('shows an alert as Slack lays it out: header, message, fields in two columns, who, evidence, fix, link', () => {
    // Act
    const text = slackAsText(renderSlackMessage(notification({ trigger: TRIGGER })), { width: 80 });

    // Assess
    expect(text).toBe(
      [
        '┌─ Slack',
        '│ 🔴 ROLE_MISSING opened · 123456789012',
        '│ eu-west-1 replicates but the role AWSServiceRoleForECRReplication does not',
        '│     exist.',
        '│ Account: 123456789012   Regions: eu-west-1, us-west-2',
        '│ Severity: 🔴 high       Observed: 2026-11-24T10:00:00.000Z',
        '│ Who: arn:aws:sts::123456789012:assumed-role/Admin/alice · What: DeleteRole',
        '│     (iam.amazonaws.com, us-east-1) · When: 2026-11-24T09:58:00Z ·',
        '│     From: 198.51.100.7',
        '│ Evidence:',
        '│   getRole: "NoSuchEntity"',
        '│   replicating: ["eu-west-1"]',
        '│ Fix: Re-create the role with `aws iam create-service-linked-role',
        '│     --aws-service-name replication.ecr.amazonaws.com`.',
        '│ Open the ECR replication settings in eu-west-1',
        '│     (https://eu-west-1.console.aws.amazon.com/ecr/private-registry/replication?region=eu-west-1)',
      ].join('\n'),
    );
  });

  it('shows a resolution as the short message it is', () => {
    // Act
    const text = slackAsText(renderSlackMessage(notification({ transition: 'resolved', trigger: TRIGGER })), {
      width: 80,
    });

    // Assess
    expect(text).toBe(
      [
        '┌─ Slack',
        '│ ✅ Resolved: ROLE_MISSING in 123456789012',
        '│ Resolved: ROLE_MISSING is no longer found (observed 2026-11-24T10:00:00.000Z).',
        '│     It was: eu-west-1 replicates but the role AWSServiceRoleForECRReplication',
        '│     does not exist.',
        '│ Who: arn:aws:sts::123456789012:assumed-role/Admin/alice · What: DeleteRole',
        '│     (iam.amazonaws.com, us-east-1) · When: 2026-11-24T09:58:00Z ·',
        '│     From: 198.51.100.7',
      ].join('\n'),
    );
  });
});

describe('publishedAsText', () => {
  it('shows a chat notification as a chat channel does: title, description, next steps', () => {
    // Prepare
    const message = JSON.stringify(renderChatMessage(notification({ trigger: TRIGGER })));

    // Act
    const text = publishedAsText({ message }, { width: 80 });

    // Assess
    expect(text).toBe(
      [
        '┌─ SNS (chat notification)',
        '│ 🔴 ROLE_MISSING opened · 123456789012',
        '│ eu-west-1 replicates but the role AWSServiceRoleForECRReplication does not',
        '│     exist.',
        '│ Account: 123456789012',
        '│ Regions: eu-west-1, us-west-2',
        '│ Severity: high',
        '│ Observed: 2026-11-24T10:00:00.000Z',
        '│ Triggered by: Who: `arn:aws:sts::123456789012:assumed-role/Admin/alice` ·',
        '│     What: `DeleteRole (iam.amazonaws.com, us-east-1)` · When:',
        '│     `2026-11-24T09:58:00Z` · From: `198.51.100.7`',
        '│ Evidence:',
        '│   getRole: "NoSuchEntity"',
        '│   replicating: ["eu-west-1"]',
        '│ → Re-create the role with `aws iam create-service-linked-role',
        '│     --aws-service-name replication.ecr.amazonaws.com`.',
      ].join('\n'),
    );
  });

  it('shows any other message as it is', () => {
    expect(publishedAsText({ message: 'plain text' })).toBe('┌─ SNS\n│ plain text');
  });
});

describe('publishedAsLine', () => {
  it('names the topic, the title and the attributes a filter sees, in one line', () => {
    // Prepare
    const message = JSON.stringify(renderChatMessage(notification()));
    const attributes = {
      severity: 'high',
      code: 'ROLE_MISSING',
      account: '123456789012',
      transition: 'opened',
    };

    // Act
    const line = publishedAsLine({ topicArn: TOPIC_ARN, message, attributes });

    // Assess
    expect(line).toBe(
      'SNS → ecr-replication-role-alerts: 🔴 ROLE_MISSING opened · 123456789012 (severity=high, transition=opened)',
    );
  });

  it('says "topic" when it has no topic ARN, and the first line of a message that is not a notification', () => {
    expect(publishedAsLine({ message: 'plain text\nsecond line' })).toBe('SNS → topic: plain text');
  });
});
