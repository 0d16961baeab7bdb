import { REPLICATION_ROLE } from '../../core/constants.js';
import { type AccountState, ApiError, type Role } from '../state.js';
import { type ApiRequest, IAM_NS, queryResponse, type WireResponse } from './wire.js';

/** IAM over the AWS query protocol. */
export function serveIam(state: AccountState, { operation, params }: ApiRequest): WireResponse {
  const name = params.get('RoleName') ?? '';
  switch (operation) {
    case 'GetRole':
      return queryResponse(IAM_NS, operation, { Role: roleXml(state, state.role(name)) });
    case 'ListAttachedRolePolicies': {
      const page = paginate(state.role(name).attached, params);
      return queryResponse(IAM_NS, operation, {
        AttachedPolicies: page.items.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
        IsTruncated: page.marker !== undefined,
        Marker: page.marker,
      });
    }
    case 'ListRolePolicies': {
      const page = paginate([...state.role(name).inline.keys()].sort(), params);
      return queryResponse(IAM_NS, operation, {
        PolicyNames: page.items,
        IsTruncated: page.marker !== undefined,
        Marker: page.marker,
      });
    }
    case 'CreateServiceLinkedRole': {
      const service = params.get('AWSServiceName') ?? '';
      if (service !== REPLICATION_ROLE.servicePrincipal) {
        throw new ApiError(
          'InvalidInput',
          `This local account only creates the role for ${REPLICATION_ROLE.servicePrincipal}.`,
        );
      }
      return queryResponse(IAM_NS, operation, { Role: roleXml(state, state.createServiceLinkedRole()) });
    }
    case 'DeleteServiceLinkedRole':
      return queryResponse(IAM_NS, operation, { DeletionTaskId: state.deleteServiceLinkedRole(name) });
    case 'GetServiceLinkedRoleDeletionStatus': {
      const task = state.deletionTask(params.get('DeletionTaskId') ?? '');
      const reason =
        task.status === 'FAILED'
          ? {
              Reason: `${REPLICATION_ROLE.name} is in use by replication in ${task.usage.map((u) => u.region).join(', ')}.`,
              RoleUsageList: task.usage.map((usage) => ({
                Region: usage.region,
                Resources: usage.resources,
              })),
            }
          : undefined;
      return queryResponse(IAM_NS, operation, { Status: task.status, Reason: reason });
    }
    case 'CreateRole': {
      const role = state.createRole(
        name,
        params.get('Path') ?? '/',
        params.get('AssumeRolePolicyDocument') ?? '{}',
        Number(params.get('MaxSessionDuration') ?? 3600),
      );
      return queryResponse(IAM_NS, operation, { Role: roleXml(state, role) });
    }
    case 'AttachRolePolicy':
      state.editable(name).attached.push(params.get('PolicyArn') ?? '');
      return queryResponse(IAM_NS, operation, undefined);
    case 'DetachRolePolicy': {
      const role = state.editable(name);
      const index = role.attached.indexOf(params.get('PolicyArn') ?? '');
      if (index < 0)
        throw new ApiError('NoSuchEntity', `Policy ${params.get('PolicyArn')} was not found.`, 404);
      role.attached.splice(index, 1);
      return queryResponse(IAM_NS, operation, undefined);
    }
    case 'PutRolePolicy':
      state.editable(name).inline.set(params.get('PolicyName') ?? '', params.get('PolicyDocument') ?? '');
      return queryResponse(IAM_NS, operation, undefined);
    case 'DeleteRolePolicy':
      if (!state.editable(name).inline.delete(params.get('PolicyName') ?? '')) {
        throw new ApiError(
          'NoSuchEntity',
          `The role policy with name ${params.get('PolicyName')} cannot be found.`,
          404,
        );
      }
      return queryResponse(IAM_NS, operation, undefined);
    case 'DeleteRole':
      state.deleteRole(name);
      return queryResponse(IAM_NS, operation, undefined);
    default:
      throw new ApiError('InvalidAction', `Could not find operation ${operation} for version 2010-05-08.`);
  }
}

function roleXml(state: AccountState, role: Role) {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: `arn:aws:iam::${state.accountId}:role${role.path}${role.roleName}`,
    CreateDate: role.createDate,
    // IAM returns the trust policy URL-encoded; the SDK passes it on as is.
    AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    RoleLastUsed: role.lastUsed ? { LastUsedDate: role.lastUsed.date, Region: role.lastUsed.region } : {},
  };
}

function paginate<T>(
  items: readonly T[],
  params: URLSearchParams,
): { items: T[]; marker: string | undefined } {
  const start = Number(params.get('Marker') ?? 0) || 0;
  const size = Math.min(1000, Number(params.get('MaxItems') ?? 100) || 100);
  const end = start + size;
  return { items: items.slice(start, end), marker: end < items.length ? String(end) : undefined };
}
