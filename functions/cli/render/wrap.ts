/** The length of `text` as a terminal shows it: without ANSI escape sequences. */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of ANSI sequences is the point
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/**
 * `text` wrapped at spaces to lines of at most `width` columns, the first line led by `firstIndent`, the others by
 * `indent`; line breaks in `text` are kept, and the indentation a line of it starts with. A word longer than a
 * line stands alone on its line, whole (an ARN or a command stays copyable). Escape sequences take no room.
 * @example
 * wrapText('a b c', 5, '  ', ''); // → ['a b', '  c']
 */
export function wrapText(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    // A paragraph's own indentation (a code block's) is kept, on each of its lines.
    const own = /^ */.exec(paragraph)?.[0] ?? '';
    let line = (lines.length === 0 ? firstIndent : indent) + own;
    let empty = true;
    // Each word with the spaces before it, so that runs of spaces (aligned columns) are kept within a line.
    for (const spaced of paragraph.slice(own.length).match(/ *[^ ]+/g) ?? []) {
      const word = spaced.trimStart();
      if (!empty && visibleLength(line) + visibleLength(spaced) > width) {
        lines.push(line);
        line = indent + own;
        empty = true;
      }
      line += empty ? word : spaced;
      empty = false;
    }
    lines.push(line);
  }
  return lines;
}
