import type { Clock } from '../clock.js';
import { parseRegions } from '../config.js';
import { EXIT_CODES } from '../core/constants.js';
import { renderReportText } from '../core/render-text.js';
import type { Report } from '../core/types.js';
import { DEFAULT_CONCURRENCY } from '../reconcile/observe.js';
import { scanAccount } from '../reconcile/scan.js';
import { oneOf, parseFlags, positiveNumber } from './args.js';
import { type Output, progress } from './output.js';
import { cliAccountReader } from './reader.js';

export const SCAN_HELP = `Usage: ecr-role-reconciler scan [--regions a,b,c] [--format table|json]

Reads the account in every Region and reports whether the ECR replication service-linked role
(AWSServiceRoleForECRReplication) is as it should be. Read-only.

Options:
  --regions a,b,c      Regions to read (default: every Region enabled for the account)
  --format table|json  Output format (default: table); json is the documented report
  --concurrency N      Regions read at once (default: ${DEFAULT_CONCURRENCY})
  --timeout SECONDS    Per-Region read timeout (default: 10)
  -h, --help           Show this help

Credentials and Region come from the standard AWS chain (AWS_PROFILE, AWS_REGION, SSO, env...).
AWS_ENDPOINT_URL points the SDK at another endpoint (e.g. the local account of \`npm start\`).

Exit codes: 0 in sync, 2 findings reported, 1 could not run.`;

/** `scan`: one read-only reconcile, printed. Returns the exit code. */
export async function scanCommand(
  args: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
): Promise<number> {
  const { values } = parseFlags('scan', args, {
    regions: { type: 'string' },
    format: { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (values.help) {
    output.out(SCAN_HELP);
    return EXIT_CODES.inSync;
  }
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const regions = parseRegions(values.regions, '--regions');
  const concurrency = Math.max(
    1,
    positiveNumber('concurrency', values.concurrency, DEFAULT_CONCURRENCY, 100),
  );
  const timeoutSeconds = positiveNumber('timeout', values.timeout, 10, 300);

  const reader = cliAccountReader({ homeRegion: homeRegion(env), regionTimeoutMs: timeoutSeconds * 1000 });
  const bar = progress(output, 'Reading Regions');
  const report = await scanAccount(reader, {
    regions,
    concurrency,
    now: clock.now,
    onRegionRead: (_read, done, total) => bar.update(done, total),
  }).finally(() => bar.end());

  output.out(format === 'json' ? JSON.stringify(report, null, 2) : renderReportText(report));
  return exitCodeFor(report);
}

export function exitCodeFor(report: Report): number {
  return report.findings.length > 0 ? EXIT_CODES.findings : EXIT_CODES.inSync;
}

/** The Region for EC2 DescribeRegions: the configured one, else us-east-1 (any enabled Region would do). */
export function homeRegion(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}
