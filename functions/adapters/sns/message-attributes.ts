import type { Notification } from '../../core/alert-types.js';

/** An SNS message attribute of type `String` (the shape of the SDK's `MessageAttributeValue`). */
interface SnsStringAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

export type ChatMessageAttributes = Readonly<
  Record<'severity' | 'code' | 'account' | 'transition', SnsStringAttribute> &
    Partial<Record<'accountName', SnsStringAttribute>>
>;

/**
 * SNS message attributes for subscription filter policies, e.g. `{"severity": ["high"]}` to page only on high
 * findings, or `{"transition": [{"anything-but": "reminder"}]}`; `accountName` (organization mode, when
 * known) to route one team's accounts.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
export function chatMessageAttributes(notification: Notification): ChatMessageAttributes {
  const string = (value: string): SnsStringAttribute => ({ DataType: 'String', StringValue: value });
  return {
    severity: string(notification.finding.severity),
    code: string(notification.finding.code),
    account: string(notification.account),
    transition: string(notification.transition),
    // Only when known: an attribute's value may not be empty.
    ...(notification.accountName ? { accountName: string(notification.accountName) } : {}),
  };
}
