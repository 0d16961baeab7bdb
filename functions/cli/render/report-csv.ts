import type { Report } from '../../core/types.js';

/** The columns of `scan --format csv`, in order (a public contract, like the JSON report). */
const CSV_COLUMNS = ['account', 'code', 'severity', 'regions', 'message', 'remediation'] as const;

/**
 * The findings as CSV (RFC 4180: CRLF line ends; a field holding a comma, a double quote or a line break is quoted,
 * its double quotes doubled): a header row, then one row per account × finding, the account in every row, the
 * Regions separated by spaces. In sync, only the header.
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @example
 * renderReportCsv(report);
 * // → 'account,code,severity,regions,message,remediation\r\n123456789012,ROLE_MISSING,high,ap-southeast-2,…\r\n'
 */
export function renderReportCsv(...reports: readonly Report[]): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const report of reports) {
    for (const finding of report.findings) {
      rows.push([
        report.account,
        finding.code,
        finding.severity,
        finding.regions.join(' '),
        finding.message,
        finding.remediation,
      ]);
    }
  }
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
