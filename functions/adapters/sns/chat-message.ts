import type { Notification } from '../../core/alert-types.js';
import { parseArn } from '../../core/arn.js';
import { type CompactLimits, compactValue } from '../../core/compact.js';
import { replicationRoleArn } from '../../core/constants.js';
import { cut } from '../../core/text.js';
import type { AnnouncedFinding } from '../../core/types.js';
import {
  accountLabel,
  boundedTrigger,
  departureReason,
  escapeMrkdwn,
  evidenceLines,
  notificationTitle,
  regionsText,
  TRANSITION_WORD,
  triggerParts,
} from '../notification-text.js';
import { nextSteps } from './next-steps.js';

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

/**
 * The largest chat message rendered, in UTF-8 bytes. SNS accepts at most 256 KiB per publish, message attributes
 * included, so a little room is left for the attributes and the subject.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const CHAT_MESSAGE_MAX_BYTES = 256 * 1024 - 4096;

const DESCRIPTION_EVIDENCE_MAX_CHARS = 1500;
const DESCRIPTION_MESSAGE_MAX_CHARS = 2000;
const MAX_KEYWORDS = 12;
const SUMMARY_MAX_CHARS = 250;
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

function chatMessage(notification: Notification, evidence: unknown, truncated: boolean): ChatMessage {
  const { finding, account, transition, observedAt, trigger } = notification;
  const resolved = transition === 'resolved';
  const steps = resolved ? [] : nextSteps(finding.remediation);
  const keywords = [finding.code, finding.severity, account, ...finding.regions].slice(0, MAX_KEYWORDS);
  return {
    version: '1.0',
    source: 'custom',
    id: `${account}:${finding.code}:${transition}:${observedAt}`,
    content: {
      textType: 'client-markdown',
      title: notificationTitle(notification),
      description: description(notification),
      ...(steps.length > 0 ? { nextSteps: steps } : {}),
      keywords,
    },
    metadata: {
      threadId: `${account}:${finding.code}`,
      summary: cut(summary(notification), SUMMARY_MAX_CHARS),
      eventType: `ecr-replication-role-${transition}`,
      relatedResources: [roleArnOf(notification)],
      additionalContext: {
        transition,
        code: finding.code,
        severity: finding.severity,
        account,
        ...(notification.accountName ? { accountName: notification.accountName } : {}),
        ...(notification.departure
          ? {
              resolution: notification.departure.kind,
              accountState: notification.departure.state ?? 'LEFT_ORGANIZATION',
            }
          : {}),
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

/** One line for the chat's notification list. */
function summary(notification: Notification): string {
  const { finding, transition, departure } = notification;
  const account = accountLabel(notification);
  if (departure) return `No longer watched: ${finding.code} in ${account} (${departureReason(departure)})`;
  return transition === 'resolved'
    ? `Resolved: ${finding.code} in ${account}`
    : `${finding.code} ${TRANSITION_WORD[transition]} in ${account}: ${finding.message}`;
}

function description(notification: Notification): string {
  const { finding, transition, observedAt, trigger, departure } = notification;
  const account = accountLabel(notification);
  const message = escapeMrkdwn(cut(finding.message, DESCRIPTION_MESSAGE_MAX_CHARS));
  const where = escapeMrkdwn(regionsText(finding.regions));
  const triggered = triggerParts(trigger)
    .map(({ label, value }) => `${label}: \`${escapeMrkdwn(value)}\``)
    .join(' · ');
  const lines = departure
    ? [
        `*No longer watched:* ${escapeMrkdwn(departureReason(departure))} (seen ${escapeMrkdwn(observedAt)}): ` +
          `${finding.code} in account ${escapeMrkdwn(account)} is closed without being fixed.`,
        `It was: ${message}`,
        `*Regions:* ${where}`,
      ]
    : transition === 'resolved'
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

/**
 * The role the finding is about: the ARN seen (a look-alike's, for instance), else the genuine role's ARN, in the
 * actor's partition when the actor's ARN names one.
 */
function roleArnOf(notification: Notification): string {
  const seen = notification.finding.evidence.arn;
  if (typeof seen === 'string' && seen.startsWith('arn:')) return seen;
  const named = parseArn(notification.trigger?.actorArn)?.partition;
  return replicationRoleArn(notification.account, named && PARTITION.test(named) ? named : 'aws');
}

function fits(message: ChatMessage): boolean {
  return new TextEncoder().encode(JSON.stringify(message)).length <= CHAT_MESSAGE_MAX_BYTES;
}
