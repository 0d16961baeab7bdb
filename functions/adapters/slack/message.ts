import type { Notification } from '../../core/alert-types.js';
import { cut } from '../../core/text.js';
import {
  accountLabel,
  DEPARTED_EMOJI,
  departureReason,
  escapeMrkdwn,
  evidenceLines,
  notificationTitle,
  RESOLVED_EMOJI,
  regionsText,
  SEVERITY_EMOJI,
  triggerParts,
} from '../notification-text.js';
import { escapeWithin, mrkdwnChunks } from './mrkdwn-fit.js';

/**
 * Slack's limits for a message posted through an incoming webhook.
 * @see https://docs.slack.dev/reference/block-kit/blocks
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  /** Not a Slack limit: the fallback shows in notifications, where only a line or two is read. */
  fallbackText: 1000,
} as const;

interface MrkdwnText {
  readonly type: 'mrkdwn';
  readonly text: string;
}

interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji: true;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: PlainText }
  | { readonly type: 'section'; readonly text: MrkdwnText }
  | { readonly type: 'section'; readonly fields: readonly MrkdwnText[] }
  | { readonly type: 'context'; readonly elements: readonly MrkdwnText[] }
  | { readonly type: 'divider' };

/** The body of an incoming-webhook POST: `text` is the fallback shown in notifications and by screen readers. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export interface SlackRenderOptions {
  /**
   * The console page linked from the message, for a Region. Defaults to {@link replicationConsoleUrl}; set it for
   * partitions with another console domain (China, GovCloud).
   */
  readonly consoleUrl?: ((region: string) => string) | undefined;
}

/** The Region linked when a finding names none (the role itself is global). */
const DEFAULT_CONSOLE_REGION = 'us-east-1';
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
/** A URL that can sit inside `<url|label>` without breaking out of it. */
const LINKABLE_URL = /^https:\/\/[^\s<>|]+$/;
const MAX_REMEDIATION_SECTIONS = 4;

/**
 * The console page of a Region's private registry replication settings.
 * @example
 * replicationConsoleUrl('eu-west-1');
 * // → 'https://eu-west-1.console.aws.amazon.com/ecr/private-registry/replication?region=eu-west-1'
 */
function replicationConsoleUrl(region: string): string {
  return `https://${region}.console.aws.amazon.com/ecr/private-registry/replication?region=${region}`;
}

/**
 * The notification as Block Kit for a Slack incoming webhook: a header, the message, account/Regions/severity
 * fields, who did what (when an event led to it), the evidence, the remediation and a link to the console.
 * A resolution is a short message that says so. Every value from outside is escaped, and every block stays within
 * Slack's limits however long the evidence or remediation.
 * @example
 * await fetch(webhookUrl, { method: 'POST', body: JSON.stringify(renderSlackMessage(notification)) });
 */
export function renderSlackMessage(
  notification: Notification,
  options: SlackRenderOptions = {},
): SlackMessage {
  if (notification.departure) return departedMessage(notification, notification.departure);
  return notification.transition === 'resolved'
    ? resolvedMessage(notification)
    : openMessage(notification, options);
}

function openMessage(notification: Notification, options: SlackRenderOptions): SlackMessage {
  const { finding, transition, observedAt } = notification;
  const account = accountLabel(notification);
  const lead = transition === 'changed' ? '*Changed:* ' : transition === 'reminder' ? '*Still open:* ' : '';
  const blocks: SlackBlock[] = [
    header(notificationTitle(notification)),
    section(lead, finding.message),
    {
      type: 'section',
      fields: [
        field('Account', account),
        field('Regions', regionsText(finding.regions)),
        field('Severity', `${SEVERITY_EMOJI[finding.severity]} ${finding.severity}`),
        field('Observed', observedAt),
      ],
    },
  ];
  const who = triggerContext(notification);
  if (who) blocks.push(who);

  const evidence = evidenceLines(finding.evidence).join('\n').replaceAll('```', "'''");
  if (evidence) {
    const open = '*Evidence*\n```\n';
    const close = '\n```';
    const room = SLACK_LIMITS.sectionText - open.length - close.length;
    blocks.push(mrkdwnSection(`${open}${escapeWithin(evidence, room)}${close}`));
  }

  const chunks = mrkdwnChunks(
    finding.remediation,
    SLACK_LIMITS.sectionText,
    MAX_REMEDIATION_SECTIONS,
    '*Fix*\n',
  );
  for (const chunk of chunks) blocks.push(mrkdwnSection(chunk));

  const region = finding.regions.find((name) => REGION_PATTERN.test(name)) ?? DEFAULT_CONSOLE_REGION;
  blocks.push(
    mrkdwnSection(`<${consoleLink(region, options)}|Open the ECR replication settings in ${region}>`),
  );

  const word = transition === 'reminder' ? 'still open' : transition;
  const text = `${SEVERITY_EMOJI[finding.severity]} ${finding.code} ${word} in ${escapeMrkdwn(account)}: `;
  return { text: text + escapeWithin(finding.message, SLACK_LIMITS.fallbackText - text.length), blocks };
}

function resolvedMessage(notification: Notification): SlackMessage {
  const { finding, observedAt } = notification;
  const account = accountLabel(notification);
  const headline = `Resolved: ${finding.code} in ${account}`;
  const blocks: SlackBlock[] = [
    header(`${RESOLVED_EMOJI} ${headline}`),
    section(
      `*Resolved:* ${finding.code} is no longer found (observed ${escapeMrkdwn(observedAt)}). It was: `,
      finding.message,
    ),
  ];
  const who = triggerContext(notification);
  if (who) blocks.push(who);
  return { text: `${RESOLVED_EMOJI} ${escapeMrkdwn(headline)}`, blocks };
}

/** An alert closed because its account is no longer watched: said so, never as fixed. */
function departedMessage(
  notification: Notification,
  departure: NonNullable<Notification['departure']>,
): SlackMessage {
  const { finding, observedAt } = notification;
  const reason = departureReason(departure);
  const headline = `No longer watched: ${finding.code} in ${accountLabel(notification)}`;
  const blocks: SlackBlock[] = [
    header(`${DEPARTED_EMOJI} ${headline}`),
    section(
      `*No longer watched:* ${escapeMrkdwn(reason)} (seen ${escapeMrkdwn(observedAt)}), so this alert is ` +
        `closed without being fixed. ${finding.code} was open: `,
      finding.message,
    ),
  ];
  const lead = `${DEPARTED_EMOJI} `;
  const text = lead + escapeWithin(`${headline}: ${reason}`, SLACK_LIMITS.fallbackText - lead.length);
  return { text, blocks };
}

function header(text: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: cut(text, SLACK_LIMITS.headerText), emoji: true },
  };
}

/** A section of `lead` (trusted mrkdwn) followed by an untrusted value, escaped and cut to fit. */
function section(lead: string, value: string): SlackBlock {
  return mrkdwnSection(lead + escapeWithin(value, SLACK_LIMITS.sectionText - lead.length));
}

function mrkdwnSection(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function field(label: string, value: string): MrkdwnText {
  const lead = `*${label}*\n`;
  return { type: 'mrkdwn', text: lead + escapeWithin(value, SLACK_LIMITS.fieldText - lead.length) };
}

function triggerContext(notification: Notification): SlackBlock | undefined {
  const parts = triggerParts(notification.trigger);
  if (parts.length === 0) return undefined;
  return {
    type: 'context',
    elements: parts.slice(0, SLACK_LIMITS.contextElements).map(({ label, value }) => {
      const lead = `*${label}:* `;
      return { type: 'mrkdwn', text: lead + escapeWithin(value, SLACK_LIMITS.contextText - lead.length) };
    }),
  };
}

function consoleLink(region: string, options: SlackRenderOptions): string {
  const custom = options.consoleUrl?.(region);
  return custom !== undefined && LINKABLE_URL.test(custom) ? custom : replicationConsoleUrl(region);
}
