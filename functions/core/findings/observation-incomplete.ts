import type { AccountView, AwsError } from '../types.js';
import {
  type CheckResult,
  COMPLIANT,
  type FindingRule,
  nonCompliant,
  regionList,
  type Sighting,
  sighting,
} from './finding-rule.js';

export type ObservationIncompleteEvidence = Sighting & {
  readonly unreadableRegions: readonly { readonly region: string; readonly error: AwsError | null }[];
  /** Only when the list of Regions could not be read. */
  readonly regionListError?: AwsError;
  /** Only when the role, or its policies, could not be read. */
  readonly roleError?: AwsError;
  /** Only when the followed deletion task could not be read. */
  readonly deletionStatusError?: AwsError;
  /** Only when the account is read through a role that could not be assumed: nothing in it was read. */
  readonly assumeRoleError?: { readonly roleArn: string; readonly error: AwsError };
};

/**
 * Whatever could not be read, in one finding: nothing is concluded from it (safety invariant 1). Always applies:
 * every read either succeeded or is named here.
 */
export const observationIncomplete: FindingRule<'OBSERVATION_INCOMPLETE', ObservationIncompleteEvidence> = {
  code: 'OBSERVATION_INCOMPLETE',
  severity: 'warning',
  check(view) {
    const { read, regions } = view;
    if (read.unassumedRole) return couldNotAssume(view, read.unassumedRole);
    const unreadable = regions.filter((region) => region.state === 'unreadable');
    const roleError =
      read.role.outcome === 'unreadable'
        ? read.role.error
        : read.role.outcome === 'present'
          ? read.role.role.policiesError
          : undefined;
    const deletionError = read.deletion?.error;
    const noRegions =
      read.regionsError === undefined &&
      !regions.some((r) => r.state === 'replicating' || r.state === 'not-replicating');
    if (unreadable.length === 0 && !roleError && !read.regionsError && !deletionError && !noRegions)
      return COMPLIANT;

    const parts = [
      read.regionsError && 'the list of Regions',
      noRegions && 'any registry (no Region answered)',
      unreadable.length > 0 && regionList(unreadable.map((region) => region.region)),
      roleError && (read.role.outcome === 'present' ? "the role's policies" : 'the role'),
      deletionError && 'the role deletion status',
    ].filter((part): part is string => typeof part === 'string');
    return nonCompliant({
      message: `Could not read ${parts.join(', ')}: nothing is concluded from what was not seen.`,
      regions: unreadable.map((region) => region.region),
      evidence: {
        ...sighting(view),
        unreadableRegions: unreadable.map(({ region, error }) => ({ region, error })),
        ...(read.regionsError ? { regionListError: read.regionsError } : {}),
        ...(roleError ? { roleError } : {}),
        ...(deletionError ? { deletionStatusError: deletionError } : {}),
      },
      remediation:
        'Grant the reader `ecr:DescribeRegistry` in every Region, `ec2:DescribeRegions` (the CLI) or ' +
        '`account:ListRegions` (the functions), and `iam:GetRole`, `iam:ListAttachedRolePolicies`, ' +
        '`iam:ListRolePolicies` on the role; check SCPs that deny Regions. An `UnrecognizedClientException` from an ' +
        'enabled Region means a bad or expired token there. Throttling and timeouts clear on the next run. The error ' +
        'codes are in the evidence.',
    });
  },
  // Which reads failed, not their error messages (a throttling message differs from one read to the next).
  substance: (evidence) => ({
    role: evidence.roleError !== undefined,
    regionList: evidence.regionListError !== undefined,
    ...(evidence.assumeRoleError ? { assumeRole: evidence.assumeRoleError.roleArn } : {}),
  }),
};

/** The account's read role could not be assumed: one finding says so, naming the role; nothing else is read. */
function couldNotAssume(
  view: AccountView,
  unassumed: NonNullable<AccountView['read']['unassumedRole']>,
): CheckResult<ObservationIncompleteEvidence> {
  const { arn, error } = unassumed;
  return nonCompliant({
    message: `Could not assume ${arn} (${error.code}): nothing in account ${view.read.account} was read, so nothing is concluded.`,
    regions: view.regions.map((region) => region.region),
    evidence: {
      ...sighting(view),
      // Every Region failed for the one reason below: it is not repeated for each.
      unreadableRegions: view.regions.map(({ region }) => ({ region, error: null })),
      assumeRoleError: { roleArn: arn, error },
    },
    remediation:
      `Deploy the member read role to this account (the member StackSet, or the plain member stack in the ` +
      `management account), and check that it trusts the caller and that no SCP denies \`sts:AssumeRole\` on it. ` +
      'Throttling clears on the next run. The error is in the evidence.',
  });
}
