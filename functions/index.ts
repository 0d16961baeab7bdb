/**
 * `ecr-replication-role-reconciler`: the scan, from code. The CDK construct is `ecr-replication-role-reconciler/cdk`.
 *
 * @example
 * import { scan } from 'ecr-replication-role-reconciler';
 *
 * const report = await scan({ regions: ['us-east-1', 'eu-west-1'] });
 * if (report.findings.length > 0) console.log(JSON.stringify(report, null, 2));
 */
export type { Clock } from './clock.js';
export { FINDING_CODES } from './core/constants.js';
export { AwsCallError, UsageError } from './core/errors.js';
export type {
  AwsError,
  DesiredRole,
  Destination,
  Finding,
  FindingCode,
  RegionReport,
  RegionState,
  Report,
  RoleReport,
  Severity,
} from './core/types.js';
export { type ScanOptions, scan } from './scan.js';
