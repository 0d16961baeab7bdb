/** The finding codes and their severities, as the finding rules (`findings/`) declare them. */
export { FINDING_CODES, SEVERITY_BY_CODE } from './findings/index.js';
export {
  MANAGED_POLICY_ARN_PATTERN,
  managedPolicyArn,
  REPLICATION_ROLE,
  replicationRoleArn,
} from './replication-role.js';

/** Process exit codes: a public contract of the CLI. */
export const EXIT_CODES = { inSync: 0, couldNotRun: 1, findings: 2 } as const;
