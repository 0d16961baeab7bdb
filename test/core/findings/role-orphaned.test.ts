import { describe, expect, it } from 'vitest';
import { roleOrphaned } from '../../../functions/core/findings/role-orphaned.js';
import type { AccountRead } from '../../../functions/core/types.js';
import { accountRead, genuineRole, lookAlikeRole, registry, role } from '../../support/reads.js';
import { findingFor, statusOf } from './check.js';

const idle = [registry.notReplicating('us-east-1'), registry.notReplicating('eu-west-1')];

describe('ROLE_ORPHANED', () => {
  it.each<[string, AccountRead, string]>([
    [
      'not applicable while a Region replicates (the role is wanted)',
      accountRead([registry.replicating('us-east-1')], role.present()),
      'not-applicable',
    ],
    [
      'not applicable when a Region is unseen (whether it is wanted is unknown)',
      accountRead([registry.notReplicating('us-east-1'), registry.unreadable('eu-west-1')], role.present()),
      'not-applicable',
    ],
    [
      'not applicable when the list of Regions is unseen',
      accountRead(idle, role.present(), { regionsError: { code: 'Timeout', message: 'timed out' } }),
      'not-applicable',
    ],
    [
      'not applicable when no Region answered',
      accountRead([registry.notEnabled('af-south-1')], role.present()),
      'not-applicable',
    ],
    [
      'not applicable when the role could not be read',
      accountRead(idle, role.unreadable()),
      'not-applicable',
    ],
    [
      'not applicable to a look-alike (ROLE_NOT_SERVICE_LINKED speaks)',
      accountRead(idle, role.present(lookAlikeRole())),
      'not-applicable',
    ],
    ['compliant when nothing replicates and there is no role', accountRead(idle, role.absent()), 'compliant'],
    [
      'non-compliant when every Region was read, none replicates, and the role exists',
      accountRead(idle, role.present()),
      'non-compliant',
    ],
    [
      'non-compliant when the other Regions are not enabled',
      accountRead([registry.notReplicating('us-east-1'), registry.notEnabled('af-south-1')], role.present()),
      'non-compliant',
    ],
    [
      'non-compliant whatever the policies, read or not',
      accountRead(
        idle,
        role.present(
          genuineRole({ attachedPolicyArns: undefined, policiesError: { code: 'Throttling', message: 'x' } }),
        ),
      ),
      'non-compliant',
    ],
  ])('%s', (_name, read, status) => {
    expect(statusOf(roleOrphaned, read)).toBe(status);
  });

  it('gives RoleLastUsed, the Regions read and not enabled, and the delete command', () => {
    const finding = findingFor(
      roleOrphaned,
      accountRead([registry.notReplicating('us-east-1'), registry.notEnabled('af-south-1')], role.present()),
    );

    expect(finding).toMatchObject({ code: 'ROLE_ORPHANED', severity: 'low', regions: [] });
    expect(finding.message).toBe(
      'No Region replicates (2 read), yet the role AWSServiceRoleForECRReplication exists: an unused privileged role.',
    );
    expect(finding.evidence).toEqual({
      observedAt: '2026-11-24T10:00:00.000Z',
      account: '123456789012',
      arn: genuineRole().arn,
      createDate: '2025-01-01T00:00:00.000Z',
      lastUsed: { date: '2026-10-01T00:00:00.000Z', region: 'us-east-1' },
      regionsRead: ['us-east-1'],
      regionsNotEnabled: ['af-south-1'],
    });
    expect(Object.keys(finding.evidence)).toEqual([
      'observedAt',
      'account',
      'arn',
      'createDate',
      'lastUsed',
      'regionsRead',
      'regionsNotEnabled',
    ]);
    expect(finding.remediation).toContain(
      'aws iam delete-service-linked-role --role-name AWSServiceRoleForECRReplication',
    );
  });

  it('says null for a role never used and a creation date not given', () => {
    const finding = findingFor(
      roleOrphaned,
      accountRead(idle, role.present(genuineRole({ lastUsed: undefined, createDate: undefined }))),
    );

    expect(finding.evidence).toMatchObject({ lastUsed: null, createDate: null });
  });

  it('has no substance beyond its code: the same orphan read again is the same alert', () => {
    const finding = findingFor(roleOrphaned, accountRead(idle, role.present()));

    expect(roleOrphaned.substance(finding.evidence)).toEqual({});
  });
});
