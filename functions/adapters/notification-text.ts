import type { AccountDeparture, Notification, TransitionKind, TriggerContext } from '../core/alert-types.js';
import { compactValue } from '../core/compact.js';
import { cut } from '../core/text.js';
import type { Severity } from '../core/types.js';

// What the alert channels say alike: the Slack message (`slack/`) and the chat notification on SNS (`sns/`), which
// Amazon Q Developer in chat applications shows in Slack too.

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  warning: '⚠️',
};
export const RESOLVED_EMOJI = '✅';
/** An alert closed because its account is no longer watched: not a fix, so not the resolved tick. */
export const DEPARTED_EMOJI = '⚪';

export const TRANSITION_WORD: Readonly<Record<TransitionKind, string>> = {
  opened: 'opened',
  changed: 'changed',
  reminder: 'still open',
  resolved: 'resolved',
};

/** Evidence keys every finding repeats from the notification itself: left out of the human-readable excerpt. */
const REPEATED_EVIDENCE_KEYS = new Set(['account', 'observedAt']);
/**
 * Each value of the trigger context is shown and carried cut to this many characters. Parsing already bounds what an
 * event brings (an actor ARN at 2048, the longest); a trigger may also come back from the re-check queue or the alert
 * store, so the message bounds it again rather than trust where it came from.
 */
const TRIGGER_VALUE_MAX_CHARS = 2048;

/**
 * `🔴 ROLE_MISSING opened · 123456789012`, `✅ ROLE_MISSING resolved · prod-eu (111122223333)`, or for an account no
 * longer watched `⚪ ROLE_MISSING no longer watched · prod-eu (111122223333)`.
 */
export function notificationTitle(notification: Notification): string {
  const { finding, transition, departure } = notification;
  const account = accountLabel(notification);
  if (departure) return `${DEPARTED_EMOJI} ${finding.code} no longer watched · ${account}`;
  const mark = transition === 'resolved' ? RESOLVED_EMOJI : SEVERITY_EMOJI[finding.severity];
  return `${mark} ${finding.code} ${TRANSITION_WORD[transition]} · ${account}`;
}

/** The account for people: `prod-eu (111122223333)` when its name is known, else its id alone, as always. */
export function accountLabel(notification: Pick<Notification, 'account' | 'accountName'>): string {
  const { account, accountName } = notification;
  return accountName ? `${accountName} (${account})` : account;
}

/** Why an account is no longer watched: `account SUSPENDED`, or `account left the organization`. */
export function departureReason(departure: AccountDeparture): string {
  return departure.state === null ? 'account left the organization' : `account ${departure.state}`;
}

/** The Regions of a finding for people: a finding without Regions is about the account-wide role. */
export function regionsText(regions: readonly string[]): string {
  return regions.length > 0 ? regions.join(', ') : 'none (account-wide)';
}

/**
 * The trigger context with only its known fields, each cut to {@link TRIGGER_VALUE_MAX_CHARS}: what a message shows
 * and carries of it.
 */
export function boundedTrigger(trigger: TriggerContext): TriggerContext {
  const bounded: Record<string, string> = {};
  for (const key of TRIGGER_KEYS) {
    const value: unknown = trigger[key];
    if (typeof value === 'string') bounded[key] = cut(value, TRIGGER_VALUE_MAX_CHARS);
  }
  return bounded as unknown as TriggerContext;
}

const TRIGGER_KEYS = [
  'eventId',
  'eventName',
  'eventTime',
  'eventSource',
  'awsRegion',
  'actorArn',
  'sourceIPAddress',
  'userAgent',
] as const satisfies readonly (keyof TriggerContext)[];

/** Who did what, when and from where, for people; empty when no event led to this reconcile (the schedule). */
export function triggerParts(context: TriggerContext | undefined): { label: string; value: string }[] {
  if (!context) return [];
  const trigger = boundedTrigger(context);
  const what = [trigger.eventSource, trigger.awsRegion].filter(Boolean).join(', ');
  return [
    ...(trigger.actorArn ? [{ label: 'Who', value: trigger.actorArn }] : []),
    { label: 'What', value: what ? `${trigger.eventName} (${what})` : trigger.eventName },
    { label: 'When', value: trigger.eventTime },
    ...(trigger.sourceIPAddress ? [{ label: 'From', value: trigger.sourceIPAddress }] : []),
  ];
}

/**
 * The evidence as short `key: value` lines (values as compact JSON), leaving out what the message already says.
 * Long strings and lists are shortened; the caller caps the total.
 */
export function evidenceLines(evidence: Readonly<Record<string, unknown>>): string[] {
  const limits = { maxString: 300, maxItems: 20, maxDepth: 4 };
  return Object.entries(evidence)
    .filter(([key, value]) => !REPEATED_EVIDENCE_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}: ${JSON.stringify(compactValue(value, limits))}`);
}

/**
 * Escapes the three characters Slack's mrkdwn gives meaning to (`&`, `<`, `>`), so that a value cannot turn into a
 * link, a mention or a broken entity. Only these may be escaped: Slack decodes no other entity. Chatbot passes
 * client-markdown through to Slack as is (its own samples use `<url|label>`), so chat text is escaped the same way.
 * @see https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
