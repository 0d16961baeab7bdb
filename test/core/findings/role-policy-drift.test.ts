import { describe, expect, it } from 'vitest';
import { rolePolicyDrift } from '../../../functions/core/findings/role-policy-drift.js';
import type { AccountRead } from '../../../functions/core/types.js';
import { ACCOUNT, accountRead, genuineRole, lookAlikeRole, registry, role } from '../../support/reads.js';
import { findingFor, statusOf } from './check.js';

const MANAGED = 'arn:aws:iam::aws:policy/aws-service-role/ECRReplicationServiceRolePolicy';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const regions = [registry.replicating('us-east-1')];
const withPolicies = (attachedPolicyArns: string[] | undefined, inlinePolicyNames: string[] | undefined) =>
  accountRead(regions, role.present(genuineRole({ attachedPolicyArns, inlinePolicyNames })));

describe('ROLE_POLICY_DRIFT', () => {
  it.each<[string, AccountRead, string]>([
    ['not applicable when there is no role', accountRead(regions, role.absent()), 'not-applicable'],
    [
      'not applicable when the role could not be read',
      accountRead(regions, role.unreadable()),
      'not-applicable',
    ],
    [
      'not applicable to a look-alike (ROLE_NOT_SERVICE_LINKED speaks)',
      accountRead(regions, role.present(lookAlikeRole({ attachedPolicyArns: [ADMIN] }))),
      'not-applicable',
    ],
    [
      'not applicable when the attached policies could not be read',
      withPolicies(undefined, []),
      'not-applicable',
    ],
    [
      'not applicable when the inline policies could not be read',
      withPolicies([MANAGED], undefined),
      'not-applicable',
    ],
    ['compliant with exactly the managed policy', withPolicies([MANAGED], []), 'compliant'],
    [
      'compliant with the managed policy of another partition',
      withPolicies([MANAGED.replace('arn:aws:', 'arn:aws-cn:')], []),
      'compliant',
    ],
    [
      'compliant when nothing replicates (ROLE_ORPHANED speaks of the role itself)',
      accountRead([registry.notReplicating('us-east-1')], role.present()),
      'compliant',
    ],
    ['non-compliant with an extra attached policy', withPolicies([MANAGED, ADMIN], []), 'non-compliant'],
    ['non-compliant with an inline policy', withPolicies([MANAGED], ['extra']), 'non-compliant'],
    ['non-compliant with the managed policy detached', withPolicies([], []), 'non-compliant'],
    [
      'non-compliant with a customer policy of the same name',
      withPolicies([`arn:aws:iam::${ACCOUNT}:policy/ECRReplicationServiceRolePolicy`], []),
      'non-compliant',
    ],
  ])('%s', (_name, read, status) => {
    expect(statusOf(rolePolicyDrift, read)).toBe(status);
  });

  it('lists what is attached, what is missing and what is unexpected, sorted, and how to review it', () => {
    const finding = findingFor(rolePolicyDrift, withPolicies([ADMIN, MANAGED], ['b', 'a']));

    expect(finding).toMatchObject({ code: 'ROLE_POLICY_DRIFT', severity: 'medium', regions: [] });
    expect(finding.message).toBe(
      'The role AWSServiceRoleForECRReplication does not carry exactly the managed policy ECRReplicationServiceRolePolicy.',
    );
    expect(Object.keys(finding.evidence)).toEqual([
      'observedAt',
      'account',
      'arn',
      'expectedPolicyArns',
      'attachedPolicyArns',
      'inlinePolicyNames',
      'missing',
      'unexpected',
    ]);
    expect(finding.evidence).toMatchObject({
      expectedPolicyArns: [MANAGED],
      attachedPolicyArns: [ADMIN, MANAGED],
      inlinePolicyNames: ['a', 'b'],
      missing: [],
      unexpected: [ADMIN, 'a', 'b'],
    });
    expect(finding.remediation).toContain(
      'aws iam list-attached-role-policies --role-name AWSServiceRoleForECRReplication',
    );
  });

  it('names the managed policy missing in the partition read', () => {
    const finding = findingFor(rolePolicyDrift, { ...withPolicies([], []), partition: 'aws-us-gov' });

    const expected = 'arn:aws-us-gov:iam::aws:policy/aws-service-role/ECRReplicationServiceRolePolicy';
    expect(finding.evidence).toMatchObject({
      expectedPolicyArns: [expected],
      missing: [expected],
      unexpected: [],
    });
  });

  it('is the same alert for the same difference, another for another', () => {
    const evidence = findingFor(rolePolicyDrift, withPolicies([MANAGED, ADMIN], [])).evidence;
    const substance = rolePolicyDrift.substance(evidence);

    expect(substance).toEqual({ unexpected: [ADMIN], missing: [] });
    expect(rolePolicyDrift.substance({ ...evidence, observedAt: 'later' })).toEqual(substance);
    expect(rolePolicyDrift.substance({ ...evidence, unexpected: [ADMIN, 'extra'] })).not.toEqual(substance);
    expect(rolePolicyDrift.substance({ ...evidence, missing: [MANAGED] })).not.toEqual(substance);
  });
});
