import { REPLICATION_ROLE } from './constants.js';
import { compactValue } from './render-chat.js';
import type { Finding, RegionState, Report, Severity } from './types.js';

const STATE_MARK = { replicating: '→', 'not-replicating': '·', unreadable: '?', 'not-enabled': '-' } as const;

/** The Region table's markers, in one line: `→ replicating  · not-replicating  ? unreadable  - not-enabled`. */
export const TABLE_LEGEND = (Object.entries(STATE_MARK) as [RegionState, string][])
  .map(([state, mark]) => `${mark} ${state}`)
  .join('   ');

/** How text is decorated: plain for files and pipes, ANSI for a terminal that wants colour. */
export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  severity(severity: Severity, text: string): string;
}

export const PLAIN_STYLE: TextStyle = {
  bold: (text) => text,
  dim: (text) => text,
  severity: (_severity, text) => text,
};

const SGR = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const SEVERITY_SGR: Readonly<Record<Severity, (text: string) => string>> = {
  high: SGR('1;31'),
  medium: SGR('1;33'),
  low: SGR('1;36'),
  warning: SGR('1;35'),
};

/** ANSI SGR: bold, dim, and a colour per severity. Only for a terminal, and never under `NO_COLOR`. */
export const ANSI_STYLE: TextStyle = {
  bold: SGR('1'),
  dim: SGR('2'),
  severity: (severity, text) => SEVERITY_SGR[severity](text),
};

export interface TextOptions {
  /** Wrap to this many columns. @default 100 */
  readonly width?: number | undefined;
  /** @default PLAIN_STYLE */
  readonly style?: TextStyle | undefined;
  /** Print the markers' legend under the Region table. @default true */
  readonly legend?: boolean | undefined;
}

export const DEFAULT_TEXT_WIDTH = 100;

/**
 * The report as a person reads it in a terminal: the role, each Region, then each finding with its evidence and
 * its fix, wrapped to `width` (a word longer than a line, such as an ARN, stands alone on its line, whole).
 */
export function renderReportText(report: Report, options: TextOptions = {}): string {
  const width = options.width ?? DEFAULT_TEXT_WIDTH;
  const style = options.style ?? PLAIN_STYLE;
  const lines: string[] = [];
  const { role } = report;
  lines.push(`Account ${report.account} · observed ${report.observedAt}`);
  const roleState =
    role.state === 'present'
      ? `present, ${role.serviceLinked ? 'service-linked' : style.bold('NOT service-linked')}`
      : role.state === 'unreadable'
        ? `unreadable (${role.error?.code}: ${role.error?.message})`
        : 'absent';
  lines.push(
    ...wrapText(
      `Role ${REPLICATION_ROLE.name}: ${roleState} · desired: ${report.desiredRole}`,
      width,
      '  ',
      '',
    ),
  );
  if (role.arn) lines.push(`  ${role.arn}`);
  lines.push('');

  const regionWidth = Math.max(6, ...report.regions.map((region) => region.region.length));
  const detailColumn = 2 + regionWidth + 2 + 15 + 2;
  lines.push(style.dim(`  ${'REGION'.padEnd(regionWidth)}  ${'STATE'.padEnd(15)}  DETAIL`));
  for (const region of report.regions) {
    const detail =
      region.state === 'replicating'
        ? region.destinations.map((d) => `${d.region}${d.registryId ? `/${d.registryId}` : ''}`).join(', ')
        : region.error
          ? `${region.error.code}: ${region.error.message}`
          : '';
    const lead = `${STATE_MARK[region.state]} ${region.region.padEnd(regionWidth)}  ${region.state.padEnd(15)}  `;
    const shown = region.state === 'unreadable' ? style.severity('warning', lead) : lead;
    const pad = ' '.repeat(detailColumn);
    const [first = '', ...rest] = wrapText(detail, Math.max(detailColumn + 20, width), pad, pad);
    lines.push(`${shown}${first.slice(detailColumn)}`.trimEnd(), ...rest);
  }
  if (options.legend ?? true) lines.push(...wrapText(`(${TABLE_LEGEND})`, width, '   ', '  ').map(style.dim));
  lines.push('');

  if (report.findings.length === 0) lines.push('In sync: no findings.');
  else lines.push(...findingsSection(report, width, style, ':'));
  return lines.join('\n');
}

/**
 * Only the findings (`scan --quiet`): nothing at all when in sync, so that a quiet pipeline step prints only what
 * needs a person.
 */
export function renderFindingsText(report: Report, options: TextOptions = {}): string {
  if (report.findings.length === 0) return '';
  return findingsSection(
    report,
    options.width ?? DEFAULT_TEXT_WIDTH,
    options.style ?? PLAIN_STYLE,
    ` in ${report.account}:`,
  ).join('\n');
}

function findingsSection(report: Report, width: number, style: TextStyle, suffix: string): string[] {
  const count = report.findings.length;
  return [
    style.bold(`${count} finding${count === 1 ? '' : 's'}${suffix}`),
    ...report.findings.flatMap((finding) => renderFindingText(finding, { width, style })),
  ];
}

/** One finding: severity, code and message, then its Regions, its evidence (readable `key: value` lines), its fix. */
export function renderFindingText(finding: Finding, options: TextOptions = {}): string[] {
  const width = options.width ?? DEFAULT_TEXT_WIDTH;
  const style = options.style ?? PLAIN_STYLE;
  const tag = style.severity(finding.severity, `[${finding.severity.toUpperCase()}] ${finding.code}`);
  const evidence = evidenceText(finding.evidence);
  return [
    ...wrapText(`${tag}: ${finding.message}`, width, '    ', '  '),
    ...(finding.regions.length > 0
      ? wrapText(`Regions: ${finding.regions.join(', ')}`, width, '      ', '    ')
      : []),
    ...(evidence.length > 0
      ? ['    Evidence:', ...evidence.flatMap((line) => wrapText(line, width, '        ', '      '))]
      : []),
    ...wrapText(`Fix: ${finding.remediation}`, width, '      ', '    '),
  ];
}

/** Evidence keys the report says elsewhere. */
const REPEATED_EVIDENCE_KEYS: ReadonlySet<string> = new Set(['account', 'observedAt']);
const EVIDENCE_LIMITS = { maxString: 300, maxItems: 20, maxDepth: 4 };

/**
 * A finding's evidence as `key: value` lines a person reads: the keys of the JSON report, values in words
 * (`ap-southeast-2 → eu-west-1/123456789012`, `eu-west-1 (AccessDeniedException: …)`, `none`), never JSON.
 * @example
 * evidenceText({ getRole: 'NoSuchEntity', lastUsed: null }); // → ['getRole: NoSuchEntity', 'lastUsed: none']
 */
export function evidenceText(evidence: object): string[] {
  return Object.entries(evidence)
    .filter(([key, value]) => !REPEATED_EVIDENCE_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}: ${readable(compactValue(value, EVIDENCE_LIMITS))}`);
}

function readable(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(readable).join(', ');
  const object = value as Record<string, unknown>;
  const { region, destinations, error, code, message, date, resources } = object;
  if (typeof region === 'string' && Array.isArray(destinations)) {
    return `${region} → ${destinations.map(destination).join(', ') || 'nowhere'}`;
  }
  if (typeof region === 'string' && error && typeof error === 'object')
    return `${region} (${readable(error)})`;
  if (typeof region === 'string' && Array.isArray(resources)) {
    return resources.length > 0 ? `${region} (${resources.map(readable).join(', ')})` : region;
  }
  if (typeof code === 'string' && typeof message === 'string') return `${code}: ${message}`;
  if ('date' in object && 'region' in object) {
    return date ? `${readable(date)}${region ? ` in ${readable(region)}` : ''}` : 'never';
  }
  return Object.entries(object)
    .map(([key, item]) => `${key} ${readable(item)}`)
    .join(', ');
}

function destination(value: unknown): string {
  const { region, registryId } = (value ?? {}) as { region?: unknown; registryId?: unknown };
  return `${String(region)}${registryId ? `/${String(registryId)}` : ''}`;
}

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
