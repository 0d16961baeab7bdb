import { REPLICATION_ROLE } from './constants.js';
import type { Finding, Report } from './types.js';

const STATE_MARK = { replicating: '→', 'not-replicating': '·', unreadable: '?', 'not-enabled': '-' } as const;

/** The report as a person reads it in a terminal: the role, each Region, then each finding. */
export function renderReportText(report: Report): string {
  const lines: string[] = [];
  const { role } = report;
  lines.push(`Account ${report.account} · observed ${report.observedAt}`);
  const roleLine =
    role.state === 'present'
      ? `present${role.serviceLinked ? ', service-linked' : ', NOT service-linked'} (${role.arn})`
      : role.state === 'unreadable'
        ? `unreadable (${role.error?.code}: ${role.error?.message})`
        : 'absent';
  lines.push(`Role ${REPLICATION_ROLE.name}: ${roleLine}`);
  lines.push(`Desired: ${report.desiredRole}`);
  lines.push('');

  const width = Math.max(6, ...report.regions.map((region) => region.region.length));
  lines.push(`  ${'REGION'.padEnd(width)}  ${'STATE'.padEnd(15)}  DETAIL`);
  for (const region of report.regions) {
    const detail =
      region.state === 'replicating'
        ? region.destinations.map((d) => `${d.region}${d.registryId ? `/${d.registryId}` : ''}`).join(', ')
        : region.error
          ? `${region.error.code}: ${region.error.message}`
          : '';
    lines.push(
      `${STATE_MARK[region.state]} ${region.region.padEnd(width)}  ${region.state.padEnd(15)}  ${detail}`.trimEnd(),
    );
  }
  lines.push('');

  if (report.findings.length === 0) {
    lines.push('In sync: no findings.');
  } else {
    lines.push(`${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}:`);
    for (const finding of report.findings) lines.push(...renderFindingText(finding));
  }
  return lines.join('\n');
}

export function renderFindingText(finding: Finding): string[] {
  return [
    `  [${finding.severity.toUpperCase()}] ${finding.code}: ${finding.message}`,
    ...(finding.regions.length > 0 ? [`    Regions: ${finding.regions.join(', ')}`] : []),
    `    Fix: ${finding.remediation}`,
  ];
}
