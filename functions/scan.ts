import { cliAccountReader } from './cli/reader.js';
import { type Clock, systemClock } from './clock.js';
import { parseRegions } from './config.js';
import { UsageError } from './core/errors.js';
import type { Report } from './core/types.js';
import { DEFAULT_CONCURRENCY } from './reconcile/observe.js';
import { scanAccount } from './reconcile/scan.js';

/** What {@link scan} reads, and how. */
export interface ScanOptions {
  /**
   * The Regions to read (Region codes). The orphan rule then speaks of these Regions only: list every Region where
   * replication may be configured.
   * @default every Region enabled for the account (EC2 `DescribeRegions`)
   */
  readonly regions?: readonly string[] | undefined;
  /**
   * How many Regions are read at once (1–100).
   * @default 40
   */
  readonly concurrency?: number | undefined;
  /**
   * How long each Region's read may take, retries included (more than 0, at most 300).
   * @default 10
   */
  readonly timeoutSeconds?: number | undefined;
  /**
   * Where the scan takes its time (the report's `observedAt`, the evidence's instants).
   * @default the system clock
   */
  readonly clock?: Clock | undefined;
}

/** The longest per-Region timeout `scan` accepts, as `scan --timeout`. */
const MAX_TIMEOUT_SECONDS = 300;
const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_CONCURRENCY = 100;

/**
 * One read-only reconcile of the account the AWS SDK's credentials belong to: reads replication in every Region and
 * the replication service-linked role, applies the rule, and returns the report — the same `Report` that
 * `ecr-role-reconciler scan --format json` prints. It never changes the account. Credentials, Region and endpoint
 * come from the standard AWS SDK chain (`AWS_PROFILE`, SSO, `AWS_REGION`, `AWS_ENDPOINT_URL`…).
 *
 * Nothing is concluded from a Region that could not be read: it is `unreadable` in the report, with an
 * `OBSERVATION_INCOMPLETE` finding, and the promise still resolves. No finding means in sync.
 *
 * @throws {UsageError} when an option is out of range or a Region code is not one.
 * @throws {AwsCallError} when the account cannot be read at all (e.g. no credentials: the message says so).
 * @example
 * import { scan } from 'ecr-replication-role-reconciler';
 *
 * const report = await scan({ regions: ['us-east-1', 'eu-west-1'], timeoutSeconds: 5 });
 * for (const finding of report.findings) console.log(finding.severity, finding.code, finding.message);
 * process.exitCode = report.findings.length > 0 ? 2 : 0;
 */
export async function scan(options: ScanOptions = {}): Promise<Report> {
  const regions =
    options.regions === undefined ? undefined : parseRegions(options.regions.join(','), 'regions');
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new UsageError(
      `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${concurrency}.`,
    );
  }
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(
      `timeoutSeconds must be more than 0 and at most ${MAX_TIMEOUT_SECONDS}, not ${timeoutSeconds}.`,
    );
  }
  const clock = options.clock ?? systemClock;
  const reader = cliAccountReader({ regionTimeoutMs: timeoutSeconds * 1000 });
  return scanAccount(reader, { regions, concurrency, now: clock.now });
}
