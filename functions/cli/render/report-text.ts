import { REPLICATION_ROLE } from '../../core/constants.js';
import type { Finding, RegionState, Report } from '../../core/types.js';
import { DEFAULT_WIDTH } from '../output.js';
import { evidenceText } from './evidence-text.js';
import { PLAIN_STYLE, type TextStyle } from './text-style.js';
import { wrapText } from './wrap.js';

const STATE_MARK = { replicating: '→', 'not-replicating': '·', unreadable: '?', 'not-enabled': '-' } as const;

/** The Region table's markers, in one line: `→ replicating  · not-replicating  ? unreadable  - not-enabled`. */
export const TABLE_LEGEND = (Object.entries(STATE_MARK) as [RegionState, string][])
  .map(([state, mark]) => `${mark} ${state}`)
  .join('   ');

export interface TextOptions {
  /** Wrap to this many columns. @default 100 */
  readonly width?: number | undefined;
  /** @default PLAIN_STYLE */
  readonly style?: TextStyle | undefined;
  /** Print the markers' legend under the Region table. @default true */
  readonly legend?: boolean | undefined;
  /** The account's name, shown beside its id in the findings' title (organization scans). */
  readonly accountName?: string | null | undefined;
}

/**
 * The report as a person reads it in a terminal: the role, each Region, then each finding with its evidence and
 * its fix, wrapped to `width` (a word longer than a line, such as an ARN, stands alone on its line, whole).
 */
export function renderReportText(report: Report, options: TextOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
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
    options.width ?? DEFAULT_WIDTH,
    options.style ?? PLAIN_STYLE,
    ` in ${report.account}${options.accountName ? ` (${options.accountName})` : ''}:`,
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
function renderFindingText(finding: Finding, options: TextOptions = {}): string[] {
  const width = options.width ?? DEFAULT_WIDTH;
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
