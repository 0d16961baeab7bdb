import { randomUUID } from 'node:crypto';
import { type AccountState, ApiError } from '../state.js';
import { type ApiRequest, queryResponse, type WireResponse } from './wire.js';

const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface Published {
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

/** SNS over the AWS query protocol: `CreateTopic`, and `Publish` to a topic that exists, kept in `published`. */
export function serveSns(
  state: AccountState,
  { operation, params, region }: ApiRequest,
  published: Published[],
): WireResponse {
  if (operation === 'CreateTopic') {
    const arn = `arn:aws:sns:${region}:${state.accountId}:${params.get('Name')}`;
    state.topics.add(arn);
    return queryResponse(SNS_NS, operation, { TopicArn: arn });
  }
  if (operation !== 'Publish') throw new ApiError('InvalidAction', `Unknown operation ${operation}.`);
  const topicArn = params.get('TopicArn') ?? '';
  if (!state.topics.has(topicArn)) throw new ApiError('NotFound', 'Topic does not exist', 404);
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    attributes[params.get(`MessageAttributes.entry.${n}.Name`) ?? ''] =
      params.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  published.push({
    topicArn,
    subject: params.get('Subject') ?? undefined,
    message: params.get('Message') ?? '',
    attributes,
  });
  return queryResponse(SNS_NS, operation, { MessageId: randomUUID() });
}
