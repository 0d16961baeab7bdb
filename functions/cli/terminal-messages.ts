/** Slack and SNS messages as a reader sees them, for the terminal (the demo). */

interface TextObject {
  readonly text?: string;
}
interface Block {
  readonly type: string;
  readonly text?: TextObject;
  readonly fields?: readonly TextObject[];
  readonly elements?: readonly TextObject[];
}

/** Block Kit → indented plain text: header in bold, mrkdwn links as `label (url)`, entities decoded. */
export function slackAsText(body: unknown): string {
  const { blocks = [], text = '' } = (body ?? {}) as { blocks?: readonly Block[]; text?: string };
  const lines = ['┌─ Slack'];
  for (const block of blocks) {
    if (block.type === 'header') lines.push(`│ \u001b[1m${plain(block.text?.text)}\u001b[0m`);
    if (block.type === 'section' && block.text) lines.push(...indent(plain(block.text.text)));
    if (block.type === 'section' && block.fields)
      lines.push(...indent(block.fields.map((f) => plain(f.text)).join('   ')));
    if (block.type === 'context' && block.elements)
      lines.push(...indent(block.elements.map((e) => plain(e.text)).join(' · ')));
  }
  if (blocks.length === 0) lines.push(...indent(plain(text)));
  lines.push('└─');
  return lines.join('\n');
}

/** An SNS message in the chat custom-notification schema → its title, description and next steps. */
export function publishedAsText(message: {
  readonly message: string;
  readonly attributes?: unknown;
}): string {
  try {
    const chat = JSON.parse(message.message) as {
      content?: { title?: string; description?: string; nextSteps?: string[] };
    };
    const lines = ['┌─ SNS (chat notification)', `│ \u001b[1m${chat.content?.title ?? ''}\u001b[0m`];
    lines.push(...indent(plain(chat.content?.description)));
    for (const step of chat.content?.nextSteps ?? []) lines.push(`│ → ${plain(step)}`);
    lines.push('└─');
    return lines.join('\n');
  } catch {
    return `┌─ SNS\n│ ${message.message}\n└─`;
  }
}

function plain(text: string | undefined): string {
  return (text ?? '')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `│ ${line}`);
}
