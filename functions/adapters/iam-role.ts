import {
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type Role,
} from '@aws-sdk/client-iam';
import { REPLICATION_ROLE } from '../core/constants.js';
import type { DeletionTask, RawRole, RoleRead } from '../core/types.js';
import { type CallOutcome, callWithin, isAbsent } from './aws-error.js';

/** How long each IAM read may take, the SDK's retries (and, for the policy lists, every page) included. */
const DEFAULT_IAM_TIMEOUT_MS = 10_000;

const DELETION_STATUSES = ['SUCCEEDED', 'IN_PROGRESS', 'FAILED', 'NOT_STARTED'] as const;

/**
 * Reads the replication role by name: `GetRole` and its attached and inline policies, asked together. Never throws.
 *
 * A missing role (`NoSuchEntityException`) is `absent`: data, not a failure. When `GetRole` succeeds but a policy
 * list cannot be read, the role is still `present`: that list is `undefined` and `policiesError` says why, so the
 * core can tell "no policies" from "policies unknown".
 *
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 * @example
 * const read = await readRole(new IAMClient({ region: 'us-east-1' }));
 * if (read.outcome === 'present') console.log(read.role.attachedPolicyArns);
 */
export async function readRole(client: IAMClient, timeoutMs = DEFAULT_IAM_TIMEOUT_MS): Promise<RoleRead> {
  // The three reads go out together: one round trip instead of two. When the role is absent the policy listings
  // fail too and are not looked at.
  const [got, attached, inline] = await Promise.all([
    callWithin('GetRole', timeoutMs, (abortSignal) =>
      client.send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name }), { abortSignal }),
    ),
    listAttachedPolicyArns(client, timeoutMs),
    listInlinePolicyNames(client, timeoutMs),
  ]);
  if (!got.ok)
    return isAbsent(got.error) ? { outcome: 'absent' } : { outcome: 'unreadable', error: got.error };
  const role = got.output.Role;
  if (!role)
    return { outcome: 'unreadable', error: { code: 'InvalidResponse', message: 'GetRole returned no Role' } };

  const policiesError = !attached.ok ? attached.error : !inline.ok ? inline.error : undefined;
  return {
    outcome: 'present',
    role: {
      ...roleFields(role),
      attachedPolicyArns: attached.ok ? attached.output : undefined,
      inlinePolicyNames: inline.ok ? inline.output : undefined,
      ...(policiesError ? { policiesError } : {}),
    },
  };
}

/**
 * Follows a service-linked role deletion (`DeleteServiceLinkedRole` is asynchronous). Never throws: a failed read
 * comes back with status `UNKNOWN` and `error`. On `FAILED`, `Reason.RoleUsageList` names the Regions (and, when the
 * service says, the resources) still using the role.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLinkedRoleDeletionStatus.html
 * @example
 * await readDeletionTask(iam, 'task/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication/…');
 * // → { taskId, status: 'FAILED', reason: '…', usage: [{ region: 'eu-west-1', resources: [] }] }
 */
export async function readDeletionTask(
  client: IAMClient,
  taskId: string,
  timeoutMs = DEFAULT_IAM_TIMEOUT_MS,
): Promise<DeletionTask> {
  const read = await callWithin('GetServiceLinkedRoleDeletionStatus', timeoutMs, (abortSignal) =>
    client.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: taskId }), { abortSignal }),
  );
  if (!read.ok) return { taskId, status: 'UNKNOWN', reason: undefined, usage: [], error: read.error };
  const { Status: status, Reason: reason } = read.output;
  return {
    taskId,
    status: DELETION_STATUSES.find((known) => known === status) ?? 'UNKNOWN',
    reason: reason?.Reason,
    // The service may list all, some or none of the resources using the role in a Region.
    usage: (reason?.RoleUsageList ?? []).map((usage) => ({
      region: usage.Region ?? 'unknown',
      resources: usage.Resources ?? [],
    })),
  };
}

type RoleFields = Omit<RawRole, 'attachedPolicyArns' | 'inlinePolicyNames' | 'policiesError'>;

function roleFields(role: Role): RoleFields {
  const lastUsed = role.RoleLastUsed;
  return {
    roleName: role.RoleName ?? REPLICATION_ROLE.name,
    arn: role.Arn ?? '',
    path: role.Path ?? '',
    // Passed through URL-encoded, as IAM returns it: the core decodes and normalizes it.
    assumeRolePolicyDocument: role.AssumeRolePolicyDocument,
    createDate: role.CreateDate?.toISOString(),
    // IAM returns an empty `RoleLastUsed` for a role not used in its tracking period (400 days).
    lastUsed:
      lastUsed?.LastUsedDate || lastUsed?.Region
        ? { date: lastUsed.LastUsedDate?.toISOString(), region: lastUsed.Region }
        : undefined,
  };
}

// Both lists are paginated (`IsTruncated`/`Marker`); the SDK paginators follow `Marker` until IAM stops sending one,
// which it does exactly when `IsTruncated` is false.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html

function listAttachedPolicyArns(client: IAMClient, timeoutMs: number): Promise<CallOutcome<string[]>> {
  return callWithin('ListAttachedRolePolicies', timeoutMs, async (abortSignal) => {
    const arns: string[] = [];
    const pages = paginateListAttachedRolePolicies(
      { client },
      { RoleName: REPLICATION_ROLE.name },
      { abortSignal },
    );
    for await (const page of pages) {
      for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    }
    return arns;
  });
}

function listInlinePolicyNames(client: IAMClient, timeoutMs: number): Promise<CallOutcome<string[]>> {
  return callWithin('ListRolePolicies', timeoutMs, async (abortSignal) => {
    const names: string[] = [];
    const pages = paginateListRolePolicies({ client }, { RoleName: REPLICATION_ROLE.name }, { abortSignal });
    for await (const page of pages) names.push(...(page.PolicyNames ?? []));
    return names;
  });
}
