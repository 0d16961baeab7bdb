import type { Notification, TransitionKind, TriggerContext } from './alert-types.js';
import { replicationRoleArn } from './constants.js';
import { cut } from './text.js';
import type { AnnouncedFinding, Severity } from './types.js';

/**
 * A custom notification for AWS Chatbot ("Amazon Q Developer in chat applications"). Chatbot delivers only messages
 * in this schema and silently drops anything else, so nothing outside these keys is ever set. The schema types every
 * `additionalContext` value as a string: structured values are carried as JSON text.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export interface ChatMessage {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: string[];
    readonly keywords?: string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: string[];
    readonly additionalContext: Record<string, string>;
  };
}

/** An SNS message attribute of type `String` (the shape of the SDK's `MessageAttributeValue`). */
export interface SnsStringAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

export type ChatMessageAttributes = Readonly<
  Record<'severity' | 'code' | 'account' | 'transition', SnsStringAttribute>
>;

/**
 * The largest chat message rendered, in UTF-8 bytes. SNS accepts at most 256 KiB per publish, message attributes
 * included, so a little room is left for the attributes and the subject.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const CHAT_MESSAGE_MAX_BYTES = 256 * 1024 - 4096;

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  warning: '⚠️',
};
export const RESOLVED_EMOJI = '✅';

const TRANSITION_WORD: Readonly<Record<TransitionKind, string>> = {
  opened: 'opened',
  changed: 'changed',
  reminder: 'still open',
  resolved: 'resolved',
};

/** Evidence keys every finding repeats from the notification itself: left out of the human-readable excerpt. */
const REPEATED_EVIDENCE_KEYS = new Set(['account', 'observedAt']);
const DESCRIPTION_EVIDENCE_MAX_CHARS = 1500;
const DESCRIPTION_MESSAGE_MAX_CHARS = 2000;
const NEXT_STEP_MAX_CHARS = 2000;
const MAX_NEXT_STEPS = 10;
const MAX_KEYWORDS = 12;
const SUMMARY_MAX_CHARS = 250;
const SUBJECT_MAX_CHARS = 100;
/**
 * Each value of the trigger context is shown and carried cut to this many characters. Parsing already bounds what an
 * event brings (an actor ARN at 2048, the longest); a trigger may also come back from the re-check queue or the alert
 * store, so the message bounds it again rather than trust where it came from.
 */
const TRIGGER_VALUE_MAX_CHARS = 2048;
/** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`…: what may stand for a partition in an ARN built here. */
const PARTITION = /^aws(?:-[a-z]{1,10}){0,3}$/;

/** How hard to shrink evidence that would not fit in one SNS message, gentlest first. */
const EVIDENCE_SHRINK_STEPS: readonly CompactLimits[] = [
  { maxString: 4096, maxItems: 500, maxDepth: 8 },
  { maxString: 1024, maxItems: 100, maxDepth: 6 },
  { maxString: 256, maxItems: 25, maxDepth: 4 },
  { maxString: 64, maxItems: 5, maxDepth: 2 },
];

/**
 * The notification as an AWS chat custom notification, for an SNS topic that Chatbot subscribes to. Messages of one
 * alert (account + finding code) share a `threadId`, so a channel shows an alert and its updates as one thread.
 * `metadata.additionalContext.finding` holds the whole finding as JSON for programs reading the topic; evidence too
 * large for one SNS message is shrunk (long strings cut, long lists shortened) and flagged `evidenceTruncated`.
 * @example
 * const message = renderChatMessage(notification);
 * await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify(message) }));
 */
export function renderChatMessage(notification: Notification): ChatMessage {
  const { evidence } = notification.finding;
  const whole = chatMessage(notification, evidence, false);
  if (fits(whole)) return whole;
  for (const limits of EVIDENCE_SHRINK_STEPS) {
    const shrunk = chatMessage(notification, compactValue(evidence, limits), true);
    if (fits(shrunk)) return shrunk;
  }
  // Pathological findings (a huge message or remediation): keep the keys of the evidence and cut everything else.
  const minimal = compactValue(
    { ...notification.finding, evidence: { keys: Object.keys(evidence) } },
    { maxString: 2000, maxItems: 20, maxDepth: 3 },
  ) as unknown as AnnouncedFinding;
  return chatMessage({ ...notification, finding: minimal }, minimal.evidence, true);
}

/**
 * SNS message attributes for subscription filter policies, e.g. `{"severity": ["high"]}` to page only on high
 * findings, or `{"transition": [{"anything-but": "reminder"}]}`.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
export function chatMessageAttributes(notification: Notification): ChatMessageAttributes {
  const string = (value: string): SnsStringAttribute => ({ DataType: 'String', StringValue: value });
  return {
    severity: string(notification.finding.severity),
    code: string(notification.finding.code),
    account: string(notification.account),
    transition: string(notification.transition),
  };
}

/**
 * A subject for email subscribers of the topic: printable ASCII only, under 100 characters (SNS rejects anything
 * else). Example: `[HIGH] ROLE_MISSING opened in 123456789012`.
 */
export function chatSubject(notification: Notification): string {
  const { finding, account, transition } = notification;
  const subject =
    transition === 'resolved'
      ? `[RESOLVED] ${finding.code} in ${account}`
      : `[${finding.severity.toUpperCase()}] ${finding.code} ${TRANSITION_WORD[transition]} in ${account}`;
  return subject
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, SUBJECT_MAX_CHARS - 1)
    .trim();
}

/** `🔴 ROLE_MISSING opened · 123456789012`, or `✅ ROLE_MISSING resolved · 123456789012`. */
export function notificationTitle(notification: Notification): string {
  const { finding, account, transition } = notification;
  const mark = transition === 'resolved' ? RESOLVED_EMOJI : SEVERITY_EMOJI[finding.severity];
  return `${mark} ${finding.code} ${TRANSITION_WORD[transition]} · ${account}`;
}

/** The Regions of a finding for people: a finding without Regions is about the account-wide role. */
export function regionsText(regions: readonly string[]): string {
  return regions.length > 0 ? regions.join(', ') : 'none (account-wide)';
}

/**
 * The trigger context with only its known fields, each cut to {@link TRIGGER_VALUE_MAX_CHARS}: what a message shows
 * and carries of it.
 */
function boundedTrigger(trigger: TriggerContext): TriggerContext {
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
 * Splits a remediation into its sentences, never inside a `code span`, so that each shell command stays whole.
 * @example
 * remediationSteps('Remove it. Then run `aws iam delete-role --role-name x.y`.');
 * // → ['Remove it.', 'Then run `aws iam delete-role --role-name x.y`.']
 */
export function remediationSteps(remediation: string): string[] {
  const steps: string[] = [];
  let inCode = false;
  let start = 0;
  for (let i = 0; i < remediation.length; i++) {
    const char = remediation[i];
    if (char === '`') inCode = !inCode;
    else if (
      !inCode &&
      char === '.' &&
      remediation[i + 1] === ' ' &&
      /[A-Z]/.test(remediation[i + 2] ?? '')
    ) {
      steps.push(remediation.slice(start, i + 1));
      start = i + 2;
    }
  }
  steps.push(remediation.slice(start));
  return steps.map((step) => step.trim()).filter((step) => step.length > 0);
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

export interface CompactLimits {
  /** Longer strings are cut to this many characters. */
  readonly maxString: number;
  /** Longer arrays and objects keep this many items, then say how many more there were. */
  readonly maxItems: number;
  /** Deeper values are replaced by a short description. */
  readonly maxDepth: number;
}

/** A JSON-safe copy of `value` within `limits`: the structure stays, only its size shrinks. */
export function compactValue(value: unknown, limits: CompactLimits, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > limits.maxString
      ? `${cut(value, limits.maxString)} (${value.length} chars)`
      : value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (depth >= limits.maxDepth) return `[${value.length} items]`;
    const kept = value.slice(0, limits.maxItems).map((item) => compactValue(item, limits, depth + 1));
    if (value.length > limits.maxItems) kept.push(`… ${value.length - limits.maxItems} more`);
    return kept;
  }
  const entries = Object.entries(value);
  if (depth >= limits.maxDepth) return `{${entries.length} keys}`;
  const compact: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, limits.maxItems))
    compact[key] = compactValue(item, limits, depth + 1);
  if (entries.length > limits.maxItems) compact['…'] = `${entries.length - limits.maxItems} more keys`;
  return compact;
}

function chatMessage(notification: Notification, evidence: unknown, truncated: boolean): ChatMessage {
  const { finding, account, transition, observedAt, trigger } = notification;
  const resolved = transition === 'resolved';
  const nextSteps = resolved ? [] : nextStepsOf(finding.remediation);
  const keywords = [finding.code, finding.severity, account, ...finding.regions].slice(0, MAX_KEYWORDS);
  return {
    version: '1.0',
    source: 'custom',
    id: `${account}:${finding.code}:${transition}:${observedAt}`,
    content: {
      textType: 'client-markdown',
      title: notificationTitle(notification),
      description: description(notification),
      ...(nextSteps.length > 0 ? { nextSteps } : {}),
      keywords,
    },
    metadata: {
      threadId: `${account}:${finding.code}`,
      summary: cut(
        resolved
          ? `Resolved: ${finding.code} in ${account}`
          : `${finding.code} ${TRANSITION_WORD[transition]} in ${account}: ${finding.message}`,
        SUMMARY_MAX_CHARS,
      ),
      eventType: `ecr-replication-role-${transition}`,
      relatedResources: [roleArnOf(notification)],
      additionalContext: {
        transition,
        code: finding.code,
        severity: finding.severity,
        account,
        regions: finding.regions.join(','),
        observedAt,
        finding: JSON.stringify({
          code: finding.code,
          severity: finding.severity,
          message: finding.message,
          regions: finding.regions,
          evidence,
          remediation: finding.remediation,
        }),
        ...(trigger ? { trigger: JSON.stringify(boundedTrigger(trigger)) } : {}),
        ...(truncated ? { evidenceTruncated: 'true' } : {}),
      },
    },
  };
}

function description(notification: Notification): string {
  const { finding, account, transition, observedAt, trigger } = notification;
  const message = escapeMrkdwn(cut(finding.message, DESCRIPTION_MESSAGE_MAX_CHARS));
  const where = escapeMrkdwn(regionsText(finding.regions));
  const triggered = triggerParts(trigger)
    .map(({ label, value }) => `${label}: \`${escapeMrkdwn(value)}\``)
    .join(' · ');
  const lines =
    transition === 'resolved'
      ? [
          `*Resolved:* ${finding.code} is no longer found in account ${escapeMrkdwn(account)} (observed ${escapeMrkdwn(observedAt)}).`,
          `It was: ${message}`,
          `*Regions:* ${where}`,
        ]
      : [
          transition === 'reminder' ? `*Still open:* ${message}` : message,
          `*Account:* ${escapeMrkdwn(account)}`,
          `*Regions:* ${where}`,
          `*Severity:* ${finding.severity}`,
          `*Observed:* ${escapeMrkdwn(observedAt)}`,
        ];
  if (triggered) lines.push(`*Triggered by:* ${triggered}`);
  if (transition !== 'resolved') {
    const evidence = evidenceLines(finding.evidence).join('\n').replaceAll('```', "'''");
    if (evidence) {
      lines.push(
        `*Evidence:*\n\`\`\`\n${escapeMrkdwn(cut(evidence, DESCRIPTION_EVIDENCE_MAX_CHARS))}\n\`\`\``,
      );
    }
  }
  return lines.join('\n');
}

function nextStepsOf(remediation: string): string[] {
  const steps = remediationSteps(remediation);
  const kept = steps.slice(0, MAX_NEXT_STEPS - 1);
  const rest = steps.slice(MAX_NEXT_STEPS - 1);
  if (rest.length > 0) kept.push(rest.join(' '));
  return kept.map((step) => escapeMrkdwn(cut(step, NEXT_STEP_MAX_CHARS)));
}

/** The role the finding is about: the ARN seen (a look-alike's, for instance), else the genuine role's ARN. */
function roleArnOf(notification: Notification): string {
  const seen = notification.finding.evidence.arn;
  if (typeof seen === 'string' && seen.startsWith('arn:')) return seen;
  const actor = notification.trigger?.actorArn;
  const named = typeof actor === 'string' ? actor.slice(0, 64).split(':')[1] : undefined;
  return replicationRoleArn(notification.account, named && PARTITION.test(named) ? named : 'aws');
}

function fits(message: ChatMessage): boolean {
  return new TextEncoder().encode(JSON.stringify(message)).length <= CHAT_MESSAGE_MAX_BYTES;
}
