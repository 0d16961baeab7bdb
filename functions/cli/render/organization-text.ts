import type { AccountReport, OrganizationReport } from '../../core/organization-report.js';
import { cut } from '../../core/text.js';
import { DEFAULT_WIDTH } from '../output.js';
import { renderFindingsText, type TextOptions } from './report-text.js';
import { PLAIN_STYLE } from './text-style.js';
import { wrapText } from './wrap.js';

/** Long account names are cut in the table (the JSON report has them whole). */
const NAME_WIDTH = 24;

/**
 * An organization scan as a person reads it: one line per account (id, name, desired state, role state, finding
 * codes), the skipped accounts and the counts, then each account's findings with their evidence and fix.
 */
export function renderOrganizationText(report: OrganizationReport, options: TextOptions = {}): string {
  const lines = [renderOrganizationTable(report, options)];
  for (const account of report.accounts) {
    const findings = renderOrganizationFindings(account, options);
    if (findings) lines.push('', findings);
  }
  return lines.join('\n');
}

/** The accounts' table alone: one line per account, the skipped accounts and the counts. */
export function renderOrganizationTable(report: OrganizationReport, options: TextOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const style = options.style ?? PLAIN_STYLE;
  const { summary } = report;
  const lines = [
    `Organization scan · observed ${report.observedAt} · ${plural(summary.accounts, 'account')} read` +
      (report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : ''),
    '',
  ];
  const rows = report.accounts.map((account) => [
    account.account,
    cut(account.accountName ?? '-', NAME_WIDTH),
    account.desiredRole,
    roleState(account),
    account.findings.map((finding) => finding.code).join(' ') || '-',
  ]);
  const header = ['ACCOUNT', 'NAME', 'DESIRED', 'ROLE', 'FINDINGS'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] as number))).join('  ')}`.trimEnd();
  lines.push(style.dim(line(header)), ...rows.map(line));
  for (const skipped of report.skipped) {
    lines.push(
      ...wrapText(
        `Skipped ${skipped.account}${skipped.accountName ? ` (${skipped.accountName})` : ''}: ${skipped.state}`,
        width,
        '    ',
        '  ',
      ),
    );
  }
  lines.push(
    '',
    `${plural(summary.accounts, 'account')}: ${summary.inSync} in sync, ${summary.withFindings} with findings, ` +
      `${summary.incomplete} incomplete.`,
  );
  return lines.join('\n');
}

/** Only the accounts' findings (`scan --quiet`): nothing at all when every account is in sync. */
export function renderOrganizationFindings(
  report: OrganizationReport | AccountReport,
  options: TextOptions = {},
): string {
  if ('accounts' in report) {
    return report.accounts
      .map((account) => renderOrganizationFindings(account, options))
      .filter(Boolean)
      .join('\n\n');
  }
  return renderFindingsText(report, { ...options, accountName: report.accountName });
}

function roleState(report: AccountReport): string {
  const { role } = report;
  if (role.state === 'present') return role.serviceLinked ? 'present' : 'present, NOT service-linked';
  return role.state === 'unreadable' ? `unreadable (${role.error?.code})` : role.state;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
