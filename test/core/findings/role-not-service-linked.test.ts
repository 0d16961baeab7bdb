import { describe, expect, it } from 'vitest';
import { roleNotServiceLinked } from '../../../functions/core/findings/role-not-service-linked.js';
import type { AccountRead } from '../../../functions/core/types.js';
import { ACCOUNT, accountRead, genuineRole, lookAlikeRole, registry, role } from '../../support/reads.js';
import { findingFor, statusOf } from './check.js';

const replicating = [registry.replicating('us-east-1')];
const trust = (...principals: Record<string, string>[]) =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: principals.map((Principal) => ({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole' })),
    }),
  );

describe('ROLE_NOT_SERVICE_LINKED', () => {
  it.each<[string, AccountRead, string]>([
    ['not applicable when there is no role', accountRead(replicating, role.absent()), 'not-applicable'],
    [
      'not applicable when the role could not be read',
      accountRead(replicating, role.unreadable()),
      'not-applicable',
    ],
    ['compliant for the genuine role', accountRead(replicating, role.present()), 'compliant'],
    [
      'compliant for the genuine role whose trust policy is plain JSON',
      accountRead(
        replicating,
        role.present(
          genuineRole({
            assumeRolePolicyDocument: decodeURIComponent(trust({ Service: 'replication.ecr.amazonaws.com' })),
          }),
        ),
      ),
      'compliant',
    ],
    [
      'compliant for the genuine role whose policies could not be read',
      accountRead(
        replicating,
        role.present(
          genuineRole({
            attachedPolicyArns: undefined,
            policiesError: { code: 'AccessDenied', message: 'no' },
          }),
        ),
      ),
      'compliant',
    ],
    [
      'non-compliant for a look-alike',
      accountRead(replicating, role.present(lookAlikeRole())),
      'non-compliant',
    ],
    [
      'non-compliant for the genuine trust policy at the wrong path',
      accountRead(replicating, role.present(genuineRole({ path: '/' }))),
      'non-compliant',
    ],
    [
      'non-compliant when someone else may assume it too',
      accountRead(
        replicating,
        role.present(
          genuineRole({
            assumeRolePolicyDocument: trust(
              { Service: 'replication.ecr.amazonaws.com' },
              { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            ),
          }),
        ),
      ),
      'non-compliant',
    ],
    [
      // IAM matches names case-insensitively: GetRole returns a role named with other casing too.
      'non-compliant for the name in other casing',
      accountRead(replicating, role.present(genuineRole({ roleName: 'AWSServiceRoleForEcrReplication' }))),
      'non-compliant',
    ],
    [
      'non-compliant for a look-alike when nothing replicates',
      accountRead([registry.notReplicating('us-east-1')], role.present(lookAlikeRole())),
      'non-compliant',
    ],
  ])('%s', (_name, read, status) => {
    expect(statusOf(roleNotServiceLinked, read)).toBe(status);
  });

  it('names the look-alike, what was expected, the Regions whose replication fails, and how to remove it', () => {
    const finding = findingFor(
      roleNotServiceLinked,
      accountRead(
        [registry.replicating('us-east-1'), registry.replicating('eu-west-1')],
        role.present(lookAlikeRole()),
      ),
    );

    expect(finding).toMatchObject({ severity: 'high', regions: ['eu-west-1', 'us-east-1'] });
    expect(finding.message).toBe(
      'A role named AWSServiceRoleForECRReplication exists but is not the ECR service-linked role: ECR cannot ' +
        'create the genuine role, so replication from eu-west-1, us-east-1 fails.',
    );
    expect(finding.evidence).toEqual({
      observedAt: '2026-11-24T10:00:00.000Z',
      account: ACCOUNT,
      roleName: 'AWSServiceRoleForECRReplication',
      arn: `arn:aws:iam::${ACCOUNT}:role/AWSServiceRoleForECRReplication`,
      path: '/',
      expectedPath: '/aws-service-role/replication.ecr.amazonaws.com/',
      trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`],
      expectedPrincipal: 'replication.ecr.amazonaws.com',
      createDate: '2025-01-01T00:00:00.000Z',
    });
    expect(Object.keys(finding.evidence)).toEqual([
      'observedAt',
      'account',
      'roleName',
      'arn',
      'path',
      'expectedPath',
      'trustedPrincipals',
      'expectedPrincipal',
      'createDate',
    ]);
    expect(finding.remediation).toContain('aws iam delete-role --role-name AWSServiceRoleForECRReplication');
  });

  it('says so when the trust policy cannot be read, and names no Region when none replicates', () => {
    const finding = findingFor(
      roleNotServiceLinked,
      accountRead(
        [registry.notReplicating('us-east-1')],
        role.present(lookAlikeRole({ assumeRolePolicyDocument: '%E0%A4%A', createDate: undefined })),
      ),
    );

    expect(finding.regions).toEqual([]);
    expect(finding.message).toMatch(/cannot create the genuine role\.$/);
    expect(finding.evidence).toMatchObject({
      trustedPrincipals: 'unparseable trust policy',
      createDate: null,
    });
  });

  it('is the same alert for the same look-alike, another for another role or another trust', () => {
    const evidence = findingFor(
      roleNotServiceLinked,
      accountRead(replicating, role.present(lookAlikeRole())),
    ).evidence;
    const substance = roleNotServiceLinked.substance(evidence);

    expect(substance).toEqual({ arn: evidence.arn, trusted: evidence.trustedPrincipals });
    expect(roleNotServiceLinked.substance({ ...evidence, observedAt: 'later', createDate: null })).toEqual(
      substance,
    );
    expect(roleNotServiceLinked.substance({ ...evidence, arn: `${evidence.arn}2` })).not.toEqual(substance);
    expect(roleNotServiceLinked.substance({ ...evidence, trustedPrincipals: ['*'] })).not.toEqual(substance);
  });
});
