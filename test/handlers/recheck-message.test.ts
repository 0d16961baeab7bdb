import { describe, expect, it } from 'vitest';
import { decodeRecheckMessage, encodeRecheckMessage } from '../../functions/app/recheck/message.js';
import { EVENT_LIMITS, EVENT_TEXT_LIMITS } from '../../functions/core/event-bounds.js';
import type { RecheckRequest } from '../../functions/core/ports.js';

/*
 * The grace re-check's SQS message: what the event function sends is what the recheck function reads back, and
 * nothing it could not have sent.
 */

const REQUEST: RecheckRequest = {
  account: '123456789012',
  eventId: '5f1c2b7e-9d3a-4c55-8f0e-2a6b1c9d7e10',
  trigger: {
    eventId: '5f1c2b7e-9d3a-4c55-8f0e-2a6b1c9d7e10',
    eventName: 'DeleteRole',
    eventTime: '2026-11-24T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    awsRegion: 'us-east-1',
    actorArn: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.22.35',
  },
};

describe('the re-check message', () => {
  it('reads back what was sent, with and without a trigger', () => {
    const bare = { account: REQUEST.account, eventId: REQUEST.eventId };

    expect(decodeRecheckMessage(encodeRecheckMessage(REQUEST))).toEqual(REQUEST);
    expect(decodeRecheckMessage(encodeRecheckMessage(bare))).toEqual(bare);
  });

  it('is the request as JSON', () => {
    expect(JSON.parse(encodeRecheckMessage(REQUEST))).toEqual(REQUEST);
  });

  it.each([
    ['not JSON', 'not json'],
    ['an account that is not 12 digits', JSON.stringify({ ...REQUEST, account: 'nope' })],
    [
      'an event id out of bounds',
      JSON.stringify({ ...REQUEST, eventId: 'e'.repeat(EVENT_LIMITS.eventId + 1) }),
    ],
    [
      'an actor longer than any event carries',
      JSON.stringify({
        ...REQUEST,
        trigger: { ...REQUEST.trigger, actorArn: 'a'.repeat(EVENT_TEXT_LIMITS.actorArn + 1) },
      }),
    ],
  ])('refuses %s', (_what, body) => {
    expect(() => decodeRecheckMessage(body)).toThrow();
  });
});
