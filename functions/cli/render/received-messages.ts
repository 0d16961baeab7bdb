/** Slack and SNS messages as a reader sees them, for the terminal (the demo, `local-account`). */

import { parseArn } from '../../core/arn.js';
import { DEFAULT_WIDTH } from '../output.js';
import { PLAIN_STYLE, type TextStyle } from './text-style.js';
import { visibleLength, wrapText } from './wrap.js';

interface TextObject {
  readonly text?: string;
}
interface Block {
  readonly type: string;
  readonly text?: TextObject;
  readonly fields?: readonly TextObject[];
  readonly elements?: readonly TextObject[];
}

export interface ReceivedMessageOptions {
  /** Wrap to this many columns, the box included. @default 100 */
  readonly width?: number | undefined;
  readonly style?: TextStyle | undefined;
  /** The box's title. @default 'Slack' */
  readonly title?: string | undefined;
}

/**
 * Block Kit → what Slack shows, in a box: the header in bold, each section's text, the fields side by side as
 * `Label: value` in two columns (as Slack lays them out), code blocks indented, links as `label (url)`, mrkdwn
 * emphasis and entities turned into plain text.
 */
export function slackAsText(body: unknown, options: ReceivedMessageOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const style = options.style ?? PLAIN_STYLE;
  const { blocks = [], text = '' } = (body ?? {}) as { blocks?: readonly Block[]; text?: string };
  const lines = [`┌─ ${options.title ?? 'Slack'}`];
  const add = boxed(lines, width);
  for (const block of blocks) {
    if (block.type === 'header') lines.push(`│ ${style.bold(plain(block.text?.text))}`);
    if (block.type === 'section' && block.text) add(codeBlocks(plain(labelled(block.text.text))));
    if (block.type === 'section' && block.fields) {
      for (const row of fieldRows(block.fields.map((field) => fieldText(field.text)))) add(row);
    }
    // A label stays with its value (`Who: arn:…`), however long the value.
    if (block.type === 'context' && block.elements)
      add(block.elements.map((e) => plain(e.text).replace(/^([^:\s]+:) /, '$1\u00a0')).join(' · '));
  }
  if (blocks.length === 0) add(plain(text));
  return lines.join('\n');
}

/** Marks a line of a code block: shown as it is, never wrapped (Slack does not reflow code either). */
const CODE_LINE = '\u0000';

/** Adds text to a box: each line behind `│ `, wrapped to `width`; code lines as they are. */
function boxed(lines: string[], width: number, first = ''): (content: string, lead?: string) => void {
  const inner = Math.max(20, width - 2);
  return (content, lead = first) => {
    for (const line of content.split('\n')) {
      if (line.startsWith(CODE_LINE)) lines.push(`│   ${line.slice(1)}`.trimEnd());
      else
        lines.push(
          ...wrapText(line, inner, '    ', lead).map((l) => `│ ${l.replaceAll('\u00a0', ' ')}`.trimEnd()),
        );
    }
  };
}

/** A section led by a bold label on its own line reads as `Label: text` (or `Label:` above a code block). */
function labelled(text: string | undefined): string {
  return (text ?? '').replace(/^\*([^*\n]+)\*\n(```)?/, (_match, label: string, code?: string) =>
    code ? `${label}:\n${code}` : `${label}: `,
  );
}

/**
 * An SNS message in the chat custom-notification schema → its title, description and next steps, in a box (what a
 * chat channel wired through Amazon Q Developer shows).
 */
export function publishedAsText(
  message: { readonly message: string; readonly attributes?: unknown },
  options: ReceivedMessageOptions = {},
): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const style = options.style ?? PLAIN_STYLE;
  const chat = chatContent(message.message);
  if (!chat) return `┌─ ${options.title ?? 'SNS'}\n│ ${message.message}`;
  const lines = [`┌─ ${options.title ?? 'SNS (chat notification)'}`, `│ ${style.bold(chat.title ?? '')}`];
  const add = boxed(lines, width);
  add(codeBlocks(plain(chat.description)));
  for (const step of chat.nextSteps ?? []) add(plain(step), '→ ');
  return lines.join('\n');
}

/**
 * An SNS message in one line: the topic, the notification's title and its message attributes (what a subscription
 * filter sees).
 * @example
 * // SNS → alerts: 🔴 ROLE_MISSING opened · 123456789012 (severity=high, transition=opened)
 */
export function publishedAsLine(message: {
  readonly topicArn?: string;
  readonly message: string;
  readonly attributes?: Readonly<Record<string, string>>;
}): string {
  const topic = parseArn(message.topicArn)?.resource ?? 'topic';
  const title = chatContent(message.message)?.title ?? message.message.split('\n')[0];
  // The code and the account are in the title already.
  const attributes = Object.entries(message.attributes ?? {})
    .filter(([name]) => name !== 'account' && name !== 'code')
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return `SNS → ${topic}: ${title}${attributes ? ` (${attributes})` : ''}`;
}

function chatContent(
  text: string,
): { title?: string; description?: string; nextSteps?: string[] } | undefined {
  try {
    const parsed = JSON.parse(text) as {
      content?: { title?: string; description?: string; nextSteps?: string[] };
    };
    return parsed.content ?? undefined;
  } catch {
    return undefined;
  }
}

/** `*Label*\nvalue` → `Label: value`. */
function fieldText(text: string | undefined): string {
  const [label = '', ...value] = (text ?? '').split('\n');
  return `${plain(label).replace(/:$/, '')}: ${plain(value.join(' '))}`;
}

/** Fields two per line, the second column aligned. */
function fieldRows(fields: readonly string[]): string[] {
  const left = fields.filter((_, index) => index % 2 === 0);
  const column = Math.max(...left.map(visibleLength)) + 3;
  const rows: string[] = [];
  for (let index = 0; index < fields.length; index += 2) {
    const first = fields[index] ?? '';
    const second = fields[index + 1];
    rows.push(second === undefined ? first : `${first}${' '.repeat(column - visibleLength(first))}${second}`);
  }
  return rows;
}

/** ```code``` fences → their lines, marked as code. */
function codeBlocks(text: string): string {
  return text.replace(/```\n?([\s\S]*?)\n?```/g, (_match, code: string) =>
    code
      .split('\n')
      .map((line) => `${CODE_LINE}${line}`)
      .join('\n'),
  );
}

/** mrkdwn → plain text: links as `label (url)`, `*bold*` and `_italic_` markers dropped, entities decoded. */
function plain(text: string | undefined): string {
  return (text ?? '')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;])/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
