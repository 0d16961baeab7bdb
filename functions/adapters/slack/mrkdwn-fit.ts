import { escapeMrkdwn } from '../notification-text.js';

// Slack counts a block's text escaped: these fit escaped text to a limit without cutting an entity in two.

/** `text` escaped, cut so that the escaped result has at most `max` characters (never inside an entity). */
export function escapeWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  return `${escapeMrkdwn(text.slice(0, rawPrefixLength(text, max - 1)))}…`;
}

/** The longest prefix of `text` (in UTF-16 units, whole code points) whose escaped form fits in `max` characters. */
function rawPrefixLength(text: string, max: number): number {
  let length = 0;
  let escapedLength = 0;
  for (const char of text) {
    const width = char === '&' ? 5 : char === '<' || char === '>' ? 4 : char.length;
    if (escapedLength + width > max) break;
    escapedLength += width;
    length += char.length;
  }
  return length;
}

/**
 * `text` escaped and split into at most `maxChunks` pieces of at most `max` characters, the first led by `lead`.
 * Splits at a space outside a `code span` when it can, so shell commands stay whole; the last piece is cut if the
 * text is still longer.
 */
export function mrkdwnChunks(text: string, max: number, maxChunks: number, lead: string): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > 0 && chunks.length < maxChunks) {
    const prefix = chunks.length === 0 ? lead : '';
    const room = max - prefix.length;
    if (chunks.length === maxChunks - 1 || escapeMrkdwn(rest).length <= room) {
      chunks.push(prefix + escapeWithin(rest, room));
      break;
    }
    const end = splitPoint(rest, rawPrefixLength(rest, room));
    chunks.push(prefix + escapeMrkdwn(rest.slice(0, end).trimEnd()));
    rest = rest.slice(end).trimStart();
  }
  return chunks;
}

/**
 * Where to end a piece of at most `limit` characters: after the last sentence outside code, else at the last space
 * outside code, else at the last space; only the first half of a piece is given up to find one.
 */
function splitPoint(text: string, limit: number): number {
  let inCode = false;
  let lastSentence = -1;
  let lastSpaceOutsideCode = -1;
  let lastSpace = -1;
  for (let i = 0; i < limit; i++) {
    const char = text[i];
    if (char === '`') inCode = !inCode;
    else if (char === ' ' || char === '\n') {
      lastSpace = i;
      if (!inCode) {
        lastSpaceOutsideCode = i;
        if (char === '\n' || text[i - 1] === '.') lastSentence = i;
      }
    }
  }
  const half = limit / 2;
  return [lastSentence, lastSpaceOutsideCode, lastSpace].find((point) => point > half) ?? Math.max(1, limit);
}
