import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../../core/alert-types.js';
import type { Notifier } from '../../core/ports.js';
import { renderChatMessage } from './chat-message.js';
import { chatMessageAttributes } from './message-attributes.js';
import { chatSubject } from './subject.js';

/**
 * Publishes each notification to an SNS topic as an AWS chat custom notification (what AWS Chatbot, "Amazon Q
 * Developer in chat applications", delivers to Slack, Teams or Chime), with message attributes for subscription
 * filter policies and a plain subject for email subscribers. A failed publish throws the SDK's error, after the
 * client's own retries.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 * @example
 * const notifier = new SnsNotifier(new SNSClient({}), topicArn);
 * await notifier.send(notification);
 */
export class SnsNotifier implements Notifier {
  readonly channel = 'sns';

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async send(notification: Notification): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(renderChatMessage(notification)),
        Subject: chatSubject(notification),
        MessageAttributes: chatMessageAttributes(notification),
      }),
    );
  }
}
