import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Clock } from '../clock.js';
import { EXIT_CODES } from '../core/constants.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_CONCURRENCY } from '../reconcile/observe.js';
import { scanAccount } from '../reconcile/scan.js';
import { AWS_FLAGS, AWS_FLAGS_HELP, knownRegions, oneOf, parseFlags, seconds, wholeNumber } from './args.js';
import { assertProfileExists, homeRegion, type SdkSetup, sdkSetup } from './aws.js';
import { exitCodeFor, FAIL_ON_HELP, parseFailOn } from './exit-code.js';
import { colorWanted, type Output, progress, widthOf } from './output.js';
import { cliAccountReader } from './reader.js';
import { renderReportCsv } from './render/report-csv.js';
import { renderFindingsText, renderReportText } from './render/report-text.js';
import { ANSI_STYLE, PLAIN_STYLE } from './render/text-style.js';
import { ACCOUNTS_FLAGS, ACCOUNTS_FLAGS_HELP, accountsWanted, scanAccounts } from './scan-accounts.js';

const SCAN_HELP = `Usage: ecr-role-reconciler scan [--regions a,b,c] [--format table|json|csv] [options]
       ecr-role-reconciler scan --accounts ID,ID | --organization [options]

Reads the account in every Region and reports whether the ECR replication service-linked role
(AWSServiceRoleForECRReplication) is as it should be. Read-only. With --accounts or
--organization, reads many accounts: the caller's with its credentials, every other one through
its read role; the JSON report then lists each account's report, the skipped accounts and counts.

Options:
  --regions a,b,c      Regions to read (default: every Region enabled for the account); a name no
                       AWS partition has is refused, with the closest known Region
  --format table|json|csv
                       Output format (default: table); json is the documented report; csv is a
                       header row, then one row per account and finding
                       (account,code,severity,regions,message,remediation)
  --output FILE        Also write the JSON report to FILE (the terminal still shows --format)
${FAIL_ON_HELP}
  --quiet              The findings only, nothing when in sync (table format)
  --concurrency N      Regions read at once, a whole number from 1 to 100 (default: ${DEFAULT_CONCURRENCY})
  --timeout SECONDS    Per-Region read timeout, retries included: more than 0, at most 300 (default: 10)
${ACCOUNTS_FLAGS_HELP}
${AWS_FLAGS_HELP}
  -h, --help           Show this help

Credentials and Region come from the standard AWS chain (--profile, AWS_PROFILE, AWS_REGION, SSO,
environment keys...). AWS_ENDPOINT_URL points the SDK at another endpoint, such as the local
account that \`ecr-role-reconciler local-account\` serves.

The table wraps to the terminal's width (100 columns when stdout is not a terminal).
Exit codes: 0 in sync (every account read), 2 findings reported (see --fail-on), 1 could not run.`;

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
    output: { type: 'string' },
    'fail-on': { type: 'string' },
    quiet: { type: 'boolean' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    ...ACCOUNTS_FLAGS,
    ...AWS_FLAGS,
  });
  if (values.help) {
    output.out(SCAN_HELP);
    return EXIT_CODES.inSync;
  }
  const format = oneOf('format', values.format, ['table', 'json', 'csv'] as const, 'table');
  const failOn = parseFailOn(values['fail-on']);
  const regions = knownRegions(values.regions, '--regions');
  const concurrency = wholeNumber('concurrency', values.concurrency, DEFAULT_CONCURRENCY, {
    min: 1,
    max: 100,
  });
  const timeoutSeconds = seconds('timeout', values.timeout, 10, 300);
  const accounts = accountsWanted(values);
  if (values.output !== undefined) await assertWritable(values.output);
  await assertProfileExists(env, values.profile);
  const style = colorWanted(output, env, values['no-color']) ? ANSI_STYLE : PLAIN_STYLE;
  if (accounts !== undefined) {
    return scanAccounts(
      {
        accounts,
        flags: values,
        regions,
        concurrency,
        timeoutSeconds,
        format,
        quiet: values.quiet === true,
        failOn,
        style,
        sdk: sdkSetup(values, output, clock),
        env,
        writeReport: async (report) => {
          if (values.output !== undefined) await writeReport(values.output, report);
        },
      },
      output,
      clock,
    );
  }
  const sdk: SdkSetup | undefined =
    values.profile !== undefined || values.debug ? sdkSetup(values, output, clock) : undefined;

  const reader = cliAccountReader(
    { homeRegion: sdk ? await homeRegion(env, sdk) : envRegion(env), regionTimeoutMs: timeoutSeconds * 1000 },
    sdk,
  );
  const bar = values.quiet
    ? progress({ ...output, interactive: false }, '')
    : progress(output, 'Reading Regions');
  const report = await scanAccount(reader, {
    regions,
    concurrency,
    now: clock.now,
    onRegionRead: (_read, done, total) => bar.update(done, total),
  }).finally(() => bar.end());

  if (values.output !== undefined) await writeReport(values.output, report);
  if (format === 'json') output.out(JSON.stringify(report, null, 2));
  // Each row ends in CRLF (RFC 4180); `out` adds the last LF.
  else if (format === 'csv') output.out(renderReportCsv(report).slice(0, -1));
  else if (values.quiet) {
    const findings = renderFindingsText(report, { width: widthOf(output), style });
    if (findings) output.out(findings);
  } else output.out(renderReportText(report, { width: widthOf(output), style }));
  return exitCodeFor(
    report.findings.map((finding) => finding.severity),
    failOn,
  );
}

/** The Region for EC2 DescribeRegions and STS when named in the environment; else the SDK's chain decides. */
function envRegion(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/** `--output FILE` must be a file in a folder that exists: checked before anything is read. */
async function assertWritable(file: string): Promise<void> {
  const folder = dirname(resolve(file));
  const isFolder = (path: string) =>
    stat(path).then(
      (stats) => stats.isDirectory(),
      () => undefined,
    );
  if ((await isFolder(folder)) !== true) {
    throw new UsageError(
      `--output ${file}: the folder ${folder} does not exist. Create it, or write elsewhere.`,
    );
  }
  if ((await isFolder(file)) === true) {
    throw new UsageError(`--output ${file} is a folder: give a file path, e.g. ${file}/report.json.`);
  }
}

async function writeReport(file: string, report: unknown): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  } catch (error) {
    throw new UsageError(`--output ${file}: could not write the report: ${(error as Error).message}`);
  }
}
