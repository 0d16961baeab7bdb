import { describe, expect, it } from 'vitest';
import { observationIncomplete } from '../../../functions/core/findings/observation-incomplete.js';
import type { AccountRead } from '../../../functions/core/types.js';
import { accountRead, genuineRole, registry, role } from '../../support/reads.js';
import { findingFor, statusOf } from './check.js';

const read = [registry.replicating('us-east-1'), registry.notReplicating('eu-west-1')];
const LIST_ERROR = { code: 'UnauthorizedOperation', message: 'denied' };
const POLICIES_ERROR = { code: 'Throttling', message: 'Rate exceeded' };
const TASK_ERROR = { code: 'AccessDenied', message: 'not authorized' };
const unreadableTask = {
  taskId: 'task/1',
  status: 'UNKNOWN' as const,
  reason: undefined,
  usage: [],
  error: TASK_ERROR,
};
const unreadablePolicies = role.present(
  genuineRole({ attachedPolicyArns: undefined, inlinePolicyNames: undefined, policiesError: POLICIES_ERROR }),
);

describe('OBSERVATION_INCOMPLETE', () => {
  // Always applicable: every read either succeeded or is named here.
  it.each<[string, AccountRead, string]>([
    ['compliant when everything was read', accountRead(read, role.present()), 'compliant'],
    [
      'compliant when the role is absent and Regions not enabled (both are answers)',
      accountRead([...read, registry.notEnabled('af-south-1')], role.absent()),
      'compliant',
    ],
    [
      'non-compliant when a Region could not be read',
      accountRead([...read, registry.unreadable('ap-southeast-2')], role.present()),
      'non-compliant',
    ],
    [
      'non-compliant when the list of Regions could not be read',
      accountRead([], role.present(), { regionsError: LIST_ERROR }),
      'non-compliant',
    ],
    [
      'non-compliant when no Region answered (every one not enabled)',
      accountRead([registry.notEnabled('af-south-1')], role.absent()),
      'non-compliant',
    ],
    ['non-compliant when no Region was listed', accountRead([], role.absent()), 'non-compliant'],
    ['non-compliant when the role could not be read', accountRead(read, role.unreadable()), 'non-compliant'],
    [
      "non-compliant when the role's policies could not be read",
      accountRead(read, unreadablePolicies),
      'non-compliant',
    ],
    [
      'non-compliant when the deletion status could not be read',
      accountRead(read, role.present(), { deletion: unreadableTask }),
      'non-compliant',
    ],
  ])('%s', (_name, accountReadCase, status) => {
    expect(statusOf(observationIncomplete, accountReadCase)).toBe(status);
  });

  it('names everything not seen, in one message, and the unreadable Regions with their errors', () => {
    const finding = findingFor(
      observationIncomplete,
      accountRead(
        [registry.unreadable('us-east-1'), registry.unreadable('eu-west-1', 'ThrottlingException')],
        unreadablePolicies,
        { regionsError: LIST_ERROR, deletion: unreadableTask },
      ),
    );

    expect(finding).toMatchObject({ code: 'OBSERVATION_INCOMPLETE', severity: 'warning' });
    expect(finding.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(finding.message).toBe(
      "Could not read the list of Regions, eu-west-1, us-east-1, the role's policies, the role deletion status: " +
        'nothing is concluded from what was not seen.',
    );
    expect(Object.keys(finding.evidence)).toEqual([
      'observedAt',
      'account',
      'unreadableRegions',
      'regionListError',
      'roleError',
      'deletionStatusError',
    ]);
    expect(finding.evidence).toMatchObject({
      unreadableRegions: [
        { region: 'eu-west-1', error: { code: 'ThrottlingException' } },
        { region: 'us-east-1', error: { code: 'AccessDeniedException' } },
      ],
      regionListError: LIST_ERROR,
      roleError: POLICIES_ERROR,
      deletionStatusError: TASK_ERROR,
    });
  });

  it('carries an error key only for what failed', () => {
    const finding = findingFor(
      observationIncomplete,
      accountRead([registry.notEnabled('af-south-1')], role.absent()),
    );

    expect(finding.message).toBe(
      'Could not read any registry (no Region answered): nothing is concluded from what was not seen.',
    );
    expect(Object.keys(finding.evidence)).toEqual(['observedAt', 'account', 'unreadableRegions']);
  });

  it('is the same alert while the same reads fail, whatever their messages, another when another read fails', () => {
    const evidence = findingFor(
      observationIncomplete,
      accountRead(read, role.unreadable(), { regionsError: LIST_ERROR }),
    ).evidence;
    const substance = observationIncomplete.substance(evidence);

    expect(substance).toEqual({ role: true, regionList: true });
    expect(
      observationIncomplete.substance({ ...evidence, roleError: { code: 'Throttling', message: 'again' } }),
    ).toEqual(substance);
    expect(observationIncomplete.substance({ ...evidence, roleError: undefined })).toEqual({
      role: false,
      regionList: true,
    });
  });
});
