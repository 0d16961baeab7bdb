import { REPLICATION_ROLE } from '../core/constants.js';
import { MEMBER_READ_ROLE_NAME } from '../core/permissions.js';
import type { AccountRecord, OrganizationAccountState } from './accounts.js';
import { type AccountState, trustPolicyFor } from './state.js';
import type { AccountShaping, MemberAccount, ReadRoleOptions } from './types.js';

/** The methods that shape one account's state as drift would, bypassing the APIs (see {@link AccountShaping}). */
export function shapingOf(state: AccountState): AccountShaping {
  return {
    putReplication: (region, rules) => state.putReplication(region, rules),
    clearReplication: (region) => state.putReplication(region, []),
    createServiceLinkedRole: () => void state.createServiceLinkedRole(),
    deleteRoleOutOfBand: (name) => void state.roles.delete(name.toLowerCase()),
    createRole: ({ name, path, trustedService, trustPolicy, maxSessionDuration }) =>
      void state.createRole(
        name,
        path,
        trustPolicy ?? trustPolicyFor(trustedService ?? missingTrust(name)),
        maxSessionDuration,
      ),
    attachPolicy: (roleName, policyArn) => void state.role(roleName).attached.push(policyArn),
    putInlinePolicy: (roleName, policyName) => void state.role(roleName).inline.set(policyName, '{}'),
    setRoleLastUsed: (date, region) => {
      state.role(REPLICATION_ROLE.name).lastUsed = { date, region };
    },
  };
}

/**
 * Creates, in `state`'s account, the role the organization mode assumes there: at `/`, trusting `trustedAccount`
 * (the account that reads the organization), requiring `externalId` when one is given. Returns its ARN.
 */
export function createReadRole(
  state: AccountState,
  trustedAccount: string,
  options: ReadRoleOptions = {},
): string {
  const name = options.name ?? MEMBER_READ_ROLE_NAME;
  const statement = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${trustedAccount}:root` },
    Action: 'sts:AssumeRole',
    ...(options.externalId ? { Condition: { StringEquals: { 'sts:ExternalId': options.externalId } } } : {}),
  };
  const trustPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const role = state.createRole(name, '/', trustPolicy, options.maxSessionDuration);
  return `arn:aws:iam::${state.accountId}:role${role.path}${role.roleName}`;
}

/** A handle on one account the local account serves, the caller's or a member's. */
export function memberHandle(record: AccountRecord, callerAccount: string): MemberAccount {
  return {
    accountId: record.id,
    state: record.state,
    get name() {
      return record.name;
    },
    get organizationState() {
      return record.organizationState;
    },
    setOrganizationState: (organizationState: OrganizationAccountState) => {
      record.organizationState = organizationState;
    },
    createReadRole: (options) => createReadRole(record.state, callerAccount, options),
    ...shapingOf(record.state),
  };
}

function missingTrust(name: string): never {
  throw new Error(`createRole(${name}): give trustedService or trustPolicy`);
}
