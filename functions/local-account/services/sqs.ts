import { createHash, randomUUID } from 'node:crypto';
import { type AccountState, ApiError } from '../state.js';
import type { ApiRequest, WireResponse } from './wire.js';

export interface Queued {
  readonly queueUrl: string;
  readonly body: string;
  readonly delaySeconds: number;
}

/** SQS over AWS JSON 1.0: `SendMessage` to a queue made with `createQueue`, kept for the test to read. */
export function serveSqs(
  state: AccountState,
  { operation, json }: ApiRequest,
  queued: Queued[],
): WireResponse {
  if (operation !== 'SendMessage') throw new ApiError('InvalidAction', `Unknown operation ${operation}.`);
  const queueUrl = String(json.QueueUrl ?? '');
  if (!state.queues.has(queueUrl)) {
    throw new ApiError('QueueDoesNotExist', 'The specified queue does not exist.');
  }
  const body = String(json.MessageBody ?? '');
  const delaySeconds = Number(json.DelaySeconds ?? 0);
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
    throw new ApiError('InvalidParameterValue', 'DelaySeconds must be from 0 to 900.');
  }
  queued.push({ queueUrl, body, delaySeconds });
  // The SDK checks the digest of the body it sent against this one.
  const digest = createHash('md5').update(body).digest('hex');
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: digest }),
  };
}
