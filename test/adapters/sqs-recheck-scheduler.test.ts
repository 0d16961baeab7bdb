import { QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsRecheckScheduler } from '../../functions/app/recheck/sqs-scheduler.js';

const sqsMock = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/grace';
const REQUEST = {
  account: '123456789012',
  eventId: 'e-1',
  trigger: {
    eventId: 'e-1',
    eventName: 'DeleteRole',
    eventTime: '2026-11-24T10:00:00Z',
    awsRegion: 'us-east-1',
  },
};

describe('SqsRecheckScheduler', () => {
  beforeEach(() => {
    sqsMock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  it('sends the request as the message body, delayed by the grace period', async () => {
    // Act
    await new SqsRecheckScheduler(new SQSClient({ region: 'us-east-1' }), QUEUE_URL).schedule(REQUEST, 120);

    // Assess
    const [call] = sqsMock.commandCalls(SendMessageCommand);
    expect(call?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/grace',
      MessageBody:
        '{"account":"123456789012","eventId":"e-1","trigger":' +
        '{"eventId":"e-1","eventName":"DeleteRole","eventTime":"2026-11-24T10:00:00Z","awsRegion":"us-east-1"}}',
      DelaySeconds: 120,
    });
  });

  it.each([
    [-5, 0],
    [12.6, 13],
    [3600, 900],
  ])('keeps a delay of %s s within what SQS accepts (%s s)', async (asked, sent) => {
    // Act
    await new SqsRecheckScheduler(new SQSClient({ region: 'us-east-1' }), QUEUE_URL).schedule(REQUEST, asked);

    // Assess
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(sent);
  });

  it('sends a request without a trigger as just the account and the event', async () => {
    // Act
    await new SqsRecheckScheduler(new SQSClient({ region: 'us-east-1' }), QUEUE_URL).schedule(
      { account: '123456789012', eventId: 'e-2' },
      60,
    );

    // Assess
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody).toBe(
      '{"account":"123456789012","eventId":"e-2"}',
    );
  });

  it('lets a failed send throw the SDK error to the caller, so that the invocation is retried', async () => {
    // Prepare
    const missing = new QueueDoesNotExist({
      message: 'The specified queue does not exist.',
      $metadata: { httpStatusCode: 400 },
    });
    sqsMock.on(SendMessageCommand).rejects(missing);

    // Act
    const scheduling = new SqsRecheckScheduler(new SQSClient({ region: 'us-east-1' }), QUEUE_URL).schedule(
      REQUEST,
      120,
    );

    // Assess
    await expect(scheduling).rejects.toBe(missing);
    await expect(scheduling).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });
});
