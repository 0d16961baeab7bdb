import { describe, expect, it } from 'vitest';
import { roleMissing } from '../../../functions/core/findings/role-missing.js';
import type { AccountRead } from '../../../functions/core/types.js';
import { accountRead, lookAlikeRole, registry, role } from '../../support/reads.js';
import { findingFor, statusOf } from './check.js';

describe('ROLE_MISSING', () => {
  it.each<[string, AccountRead, string]>([
    [
      'not applicable when nothing replicates (the role is not wanted)',
      accountRead([registry.notReplicating('us-east-1')], role.absent()),
      'not-applicable',
    ],
    [
      'not applicable when a Region is unseen and none replicates (whether it is wanted is unknown)',
      accountRead([registry.notReplicating('us-east-1'), registry.unreadable('eu-west-1')], role.absent()),
      'not-applicable',
    ],
    [
      'not applicable when the role could not be read',
      accountRead([registry.replicating('us-east-1')], role.unreadable()),
      'not-applicable',
    ],
    [
      'compliant when a Region replicates and the role exists',
      accountRead([registry.replicating('us-east-1')], role.present()),
      'compliant',
    ],
    [
      'compliant when a look-alike holds the name (ROLE_NOT_SERVICE_LINKED speaks)',
      accountRead([registry.replicating('us-east-1')], role.present(lookAlikeRole())),
      'compliant',
    ],
    [
      'non-compliant when a Region replicates and no role of that name exists',
      accountRead([registry.replicating('ap-southeast-2')], role.absent()),
      'non-compliant',
    ],
    [
      'non-compliant from a Region seen replicating, even when another is unseen',
      accountRead([registry.replicating('us-east-1'), registry.unreadable('eu-west-1')], role.absent()),
      'non-compliant',
    ],
  ])('%s', (_name, read, status) => {
    expect(statusOf(roleMissing, read)).toBe(status);
  });

  it('names the replicating Regions and their destinations, and how to re-create the role', () => {
    const finding = findingFor(
      roleMissing,
      accountRead(
        [registry.notReplicating('us-east-1'), registry.replicating('ap-southeast-2', 'ap-northeast-1')],
        role.absent(),
      ),
    );

    expect(finding).toMatchObject({ code: 'ROLE_MISSING', severity: 'high', regions: ['ap-southeast-2'] });
    expect(finding.message).toBe(
      'ap-southeast-2 replicates but the role AWSServiceRoleForECRReplication does not exist: replication is failing.',
    );
    expect(Object.keys(finding.evidence)).toEqual(['observedAt', 'account', 'getRole', 'replicating']);
    expect(finding.evidence.replicating).toEqual([
      { region: 'ap-southeast-2', destinations: [{ region: 'ap-northeast-1', registryId: '123456789012' }] },
    ]);
    expect(finding.remediation).toContain(
      'aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com',
    );
    expect(finding.remediation).toContain('--region ap-southeast-2');
  });

  it('names four Regions in the message, then how many more', () => {
    const regions = ['us-west-2', 'af-south-1', 'eu-west-1', 'me-south-1', 'sa-east-1', 'us-east-1'];

    const finding = findingFor(
      roleMissing,
      accountRead(
        regions.map((r) => registry.replicating(r)),
        role.absent(),
      ),
    );

    expect(finding.message).toMatch(/^af-south-1, eu-west-1, me-south-1, sa-east-1 and 2 more replicate but/);
    expect(finding.regions).toEqual([...regions].sort());
  });

  it('has no substance beyond its code and Regions', () => {
    const finding = findingFor(roleMissing, accountRead([registry.replicating('us-east-1')], role.absent()));

    expect(roleMissing.substance(finding.evidence)).toEqual({});
  });
});
