import { managedPolicyArn, REPLICATION_ROLE } from '../../functions/core/constants.js';
import type { AccountRead, RawRole, RegistryRead, RoleRead } from '../../functions/core/types.js';

/** Builders for raw account reads, as the adapters return them. Each call returns a fresh object. */
export const ACCOUNT = '123456789012';
export const OBSERVED_AT = '2026-11-24T10:00:00.000Z';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: REPLICATION_ROLE.servicePrincipal }, Action: 'sts:AssumeRole' },
  ],
});

export const registry = {
  replicating: (region: string, to = 'eu-west-1'): RegistryRead => ({
    region,
    outcome: 'read',
    registryId: ACCOUNT,
    replicationConfiguration: { rules: [{ destinations: [{ region: to, registryId: ACCOUNT }] }] },
  }),
  notReplicating: (region: string, replicationConfiguration: unknown = { rules: [] }): RegistryRead => ({
    region,
    outcome: 'read',
    registryId: ACCOUNT,
    replicationConfiguration,
  }),
  unreadable: (region: string, code = 'AccessDeniedException'): RegistryRead => ({
    region,
    outcome: 'unreadable',
    error: { code, message: `${code} in ${region}` },
  }),
  notEnabled: (region: string): RegistryRead => ({
    region,
    outcome: 'not-enabled',
    error: {
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    },
  }),
};

export function genuineRole(overrides: Partial<RawRole> = {}): RawRole {
  return {
    roleName: REPLICATION_ROLE.name,
    arn: `arn:aws:iam::${ACCOUNT}:role${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}`,
    path: REPLICATION_ROLE.path,
    assumeRolePolicyDocument: encodeURIComponent(TRUST),
    createDate: '2025-01-01T00:00:00.000Z',
    lastUsed: { date: '2026-10-01T00:00:00.000Z', region: 'us-east-1' },
    attachedPolicyArns: [managedPolicyArn()],
    inlinePolicyNames: [],
    ...overrides,
  };
}

export function lookAlikeRole(overrides: Partial<RawRole> = {}): RawRole {
  return genuineRole({
    arn: `arn:aws:iam::${ACCOUNT}:role/${REPLICATION_ROLE.name}`,
    path: '/',
    assumeRolePolicyDocument: encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
        ],
      }),
    ),
    ...overrides,
  });
}

export const role = {
  absent: (): RoleRead => ({ outcome: 'absent' }),
  present: (raw: RawRole = genuineRole()): RoleRead => ({ outcome: 'present', role: raw }),
  unreadable: (): RoleRead => ({
    outcome: 'unreadable',
    error: { code: 'AccessDenied', message: 'not authorized' },
  }),
};

export function accountRead(
  registries: RegistryRead[],
  roleRead: RoleRead,
  extra: Partial<AccountRead> = {},
): AccountRead {
  return {
    account: ACCOUNT,
    partition: 'aws',
    observedAt: OBSERVED_AT,
    registries,
    role: roleRead,
    ...extra,
  };
}
