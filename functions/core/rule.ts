import {
  MANAGED_POLICY_ARN_PATTERN,
  managedPolicyArn,
  REPLICATION_ROLE,
  SEVERITY_BY_CODE,
} from './constants.js';
import {
  hasOnlyManagedPolicy,
  isServiceLinked,
  regionReport,
  roleReport,
  trustedPrincipals,
} from './normalize.js';
import type { AccountRead, DesiredRole, Finding, FindingCode, RegionReport, Report } from './types.js';

const ROLE = REPLICATION_ROLE.name;

/**
 * The rule: the role must exist if and only if at least one Region replicates. A Region that could not be read is
 * never taken as "not replicating" (safety invariant 1): without a replicating Region and with anything unseen,
 * the desired state is `unknown`. Reading no Region at all proves nothing either.
 */
export function desiredRoleState(regions: readonly RegionReport[], regionsListed = true): DesiredRole {
  if (regions.some((region) => region.state === 'replicating')) return 'present';
  // Not one registry answered (e.g. every Region "not enabled", which is also how ECR answers a bad token).
  const noneRead = !regions.some((region) => region.state === 'not-replicating');
  if (!regionsListed || noneRead || regions.some((region) => region.state === 'unreadable')) {
    return 'unknown';
  }
  return 'absent';
}

/** Decides everything about one account read: the normalized view, the desired state and the findings. */
export function reconcileReport(read: AccountRead): Report {
  const regions = read.registries.map(regionReport).sort((a, b) => a.region.localeCompare(b.region));
  const role = roleReport(read.role);
  const desiredRole = desiredRoleState(regions, read.regionsError === undefined);
  return {
    account: read.account,
    observedAt: read.observedAt,
    desiredRole,
    role,
    regions,
    findings: findingsFor(read, regions, desiredRole),
  };
}

function findingsFor(read: AccountRead, regions: readonly RegionReport[], desired: DesiredRole): Finding[] {
  const findings: Finding[] = [];
  const replicating = regions.filter((region) => region.state === 'replicating');
  const replicatingNames = replicating.map((region) => region.region);
  const replicatingEvidence = replicating.map(({ region, destinations }) => ({ region, destinations }));
  const seen = { observedAt: read.observedAt, account: read.account };

  const incomplete = incompleteObservation(read, regions);
  if (incomplete) findings.push(incomplete);

  const roleRead = read.role;
  if (roleRead.outcome === 'absent' && desired === 'present') {
    findings.push(
      finding(
        'ROLE_MISSING',
        `${regionList(replicatingNames)} ${replicatingNames.length === 1 ? 'replicates' : 'replicate'} but the role ${ROLE} does not exist: replication is failing.`,
        replicatingNames,
        { ...seen, getRole: 'NoSuchEntity', replicating: replicatingEvidence },
        'Re-create the role with `aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com`, ' +
          'or put the replication configuration again in one of these Regions (ECR re-creates the role): ' +
          `\`aws ecr put-replication-configuration --region ${replicatingNames[0]} --replication-configuration file://replication.json\`.`,
      ),
    );
  }

  if (roleRead.outcome === 'present') {
    const { role } = roleRead;
    if (!isServiceLinked(role)) {
      findings.push(
        finding(
          'ROLE_NOT_SERVICE_LINKED',
          `A role named ${role.roleName} exists but is not the ECR service-linked role: ECR cannot create the genuine role` +
            (replicatingNames.length > 0
              ? `, so replication from ${regionList(replicatingNames)} fails.`
              : '.'),
          replicatingNames,
          {
            ...seen,
            roleName: role.roleName,
            arn: role.arn,
            path: role.path,
            expectedPath: REPLICATION_ROLE.path,
            trustedPrincipals: trustedPrincipals(role.assumeRolePolicyDocument) ?? 'unparseable trust policy',
            expectedPrincipal: REPLICATION_ROLE.servicePrincipal,
            createDate: role.createDate ?? null,
          },
          `Find who created it (CloudTrail \`CreateRole\` for ${role.roleName}), then remove the look-alike ` +
            `(detach its policies, \`aws iam delete-role --role-name ${role.roleName}\`) and let ECR create the genuine role: ` +
            '`aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com`.',
        ),
      );
    } else {
      if (hasOnlyManagedPolicy(role) === false) {
        const attached = [...(role.attachedPolicyArns ?? [])].sort();
        const inline = [...(role.inlinePolicyNames ?? [])].sort();
        findings.push(
          finding(
            'ROLE_POLICY_DRIFT',
            `The role ${ROLE} does not carry exactly the managed policy ${REPLICATION_ROLE.managedPolicyName}.`,
            [],
            {
              ...seen,
              arn: role.arn,
              expectedPolicyArns: [managedPolicyArn(read.partition)],
              attachedPolicyArns: attached,
              inlinePolicyNames: inline,
              missing: attached.some((arn) => MANAGED_POLICY_ARN_PATTERN.test(arn))
                ? []
                : [managedPolicyArn(read.partition)],
              unexpected: [...attached.filter((arn) => !MANAGED_POLICY_ARN_PATTERN.test(arn)), ...inline],
            },
            `Review with \`aws iam list-attached-role-policies --role-name ${ROLE}\` and \`aws iam list-role-policies --role-name ${ROLE}\`. ` +
              'A service-linked role is protected from edits: if it still differs, remove replication in every Region, ' +
              `delete the role (\`aws iam delete-service-linked-role --role-name ${ROLE}\`) and configure replication again, ` +
              'or contact AWS Support.',
          ),
        );
      }
      if (desired === 'absent') {
        findings.push(
          finding(
            'ROLE_ORPHANED',
            `No Region replicates (${regions.length} read), yet the role ${ROLE} exists: an unused privileged role.`,
            [],
            {
              ...seen,
              arn: role.arn,
              createDate: role.createDate ?? null,
              lastUsed: role.lastUsed ?? null,
              regionsRead: regions.filter((r) => r.state === 'not-replicating').map((r) => r.region),
              regionsNotEnabled: regions.filter((r) => r.state === 'not-enabled').map((r) => r.region),
            },
            'Replication is already removed in every Region. If none is planned, delete the role: ' +
              `\`aws iam delete-service-linked-role --role-name ${ROLE}\`, then follow the task with ` +
              '`aws iam get-service-linked-role-deletion-status --deletion-task-id <DeletionTaskId>`.',
          ),
        );
      }
    }
  }

  const blocked = deletionBlocked(read, replicatingNames);
  if (blocked) findings.push(blocked);
  return findings;
}

/**
 * A requested deletion that cannot succeed: the task FAILED (its RoleUsageList names the Regions), or it is still
 * pending while Regions replicate.
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLinkedRoleDeletionStatus.html
 */
function deletionBlocked(read: AccountRead, replicatingNames: readonly string[]): Finding | undefined {
  const task = read.deletion;
  if (!task) return undefined;
  // Level-triggered: a task that FAILED blocks only while something still replicates; once replication is gone
  // everywhere, the orphan rule speaks instead.
  const blocking = ['FAILED', 'IN_PROGRESS', 'NOT_STARTED'].includes(task.status);
  if (!blocking || replicatingNames.length === 0) return undefined;
  const usageRegions = [...new Set(task.usage.map((usage) => usage.region))].sort();
  const regions = usageRegions.length > 0 ? usageRegions : [...replicatingNames];
  const why =
    regions.length > 0
      ? `${regionList(regions)} still ${regions.length === 1 ? 'uses' : 'use'} it`
      : task.reason;
  return finding(
    'ROLE_DELETION_BLOCKED',
    task.status === 'FAILED'
      ? `Deletion of the role ${ROLE} failed: ${why ?? 'no reason given'}.`
      : `Deletion of the role ${ROLE} was requested but cannot succeed: ${why}.`,
    regions,
    {
      observedAt: read.observedAt,
      account: read.account,
      deletionTaskId: task.taskId,
      status: task.status,
      reason: task.reason ?? null,
      roleUsage: task.usage,
      replicating: replicatingNames,
    },
    `Keep the role if replication is wanted. Otherwise clear replication in ${regions.length > 0 ? regionList(regions) : 'every Region'} ` +
      '(`aws ecr put-replication-configuration --region <region> --replication-configuration \'{"rules":[]}\'`) ' +
      `and delete again: \`aws iam delete-service-linked-role --role-name ${ROLE}\`.`,
  );
}

/** Whatever could not be read, in one finding: nothing is concluded from it. */
function incompleteObservation(read: AccountRead, regions: readonly RegionReport[]): Finding | undefined {
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
    return undefined;

  const parts = [
    read.regionsError && 'the list of Regions',
    noRegions && 'any registry (no Region answered)',
    unreadable.length > 0 && regionList(unreadable.map((region) => region.region)),
    roleError && (read.role.outcome === 'present' ? "the role's policies" : 'the role'),
    deletionError && 'the role deletion status',
  ].filter((part): part is string => typeof part === 'string');
  return finding(
    'OBSERVATION_INCOMPLETE',
    `Could not read ${parts.join(', ')}: nothing is concluded from what was not seen.`,
    unreadable.map((region) => region.region),
    {
      observedAt: read.observedAt,
      account: read.account,
      unreadableRegions: unreadable.map(({ region, error }) => ({ region, error })),
      ...(read.regionsError ? { regionListError: read.regionsError } : {}),
      ...(roleError ? { roleError } : {}),
      ...(deletionError ? { deletionStatusError: deletionError } : {}),
    },
    'Grant the reader `ecr:DescribeRegistry` in every Region, `ec2:DescribeRegions` (the CLI) or ' +
      '`account:ListRegions` (the functions), and `iam:GetRole`, `iam:ListAttachedRolePolicies`, ' +
      '`iam:ListRolePolicies` on the role; check SCPs that deny Regions. An `UnrecognizedClientException` from an ' +
      'enabled Region means a bad or expired token there. Throttling and timeouts clear on the next run. The error ' +
      'codes are in the evidence.',
  );
}

function finding(
  code: FindingCode,
  message: string,
  regions: readonly string[],
  evidence: Record<string, unknown>,
  remediation: string,
): Finding {
  return {
    code,
    severity: SEVERITY_BY_CODE[code],
    message,
    regions: [...regions].sort(),
    evidence,
    remediation,
  };
}

function regionList(regions: readonly string[]): string {
  if (regions.length <= 4) return regions.join(', ');
  return `${regions.slice(0, 4).join(', ')} and ${regions.length - 4} more`;
}
