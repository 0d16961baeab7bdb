import { createHash, randomUUID } from 'node:crypto';
import { REPLICATION_ROLE } from '../core/constants.js';
import { type AccountState, ApiError, type OptInStatus, type ReplicationRule, type Role } from './state.js';
import { xml } from './xml.js';

/** One answer on the wire. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Where a request goes and what it asks: read off the SigV4 credential scope and the protocol's action field. */
export interface ApiRequest {
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly params: URLSearchParams;
  readonly json: Record<string, unknown>;
}

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** The ECR JSON 1.1 protocol: `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`. */
export function ecr(state: AccountState, request: ApiRequest): WireResponse {
  const { region, operation, json } = request;
  if (!state.isEnabled(region)) {
    throw new ApiError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  switch (operation) {
    case 'DescribeRegistry':
      return ecrJson({
        registryId: state.accountId,
        replicationConfiguration: { rules: state.replication.get(region) ?? [] },
      });
    case 'PutReplicationConfiguration': {
      const rules = (json.replicationConfiguration as { rules?: ReplicationRule[] } | undefined)?.rules;
      if (!Array.isArray(rules))
        throw new ApiError('InvalidParameterException', 'replicationConfiguration.rules is required.');
      state.putReplication(region, rules);
      return ecrJson({ replicationConfiguration: { rules } });
    }
    default:
      throw new ApiError('UnknownOperationException', `Unknown operation ${operation}.`);
  }
}

export function ecrJson(body: unknown, status = 200): WireResponse {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) };
}

/** An error in AWS JSON (ECR's 1.1, SQS's 1.0): the code in `__type` and `x-amzn-errortype`. */
export function jsonError(error: ApiError): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

/** IAM over the AWS query protocol. */
export function iam(state: AccountState, { operation, params }: ApiRequest): WireResponse {
  const name = params.get('RoleName') ?? '';
  switch (operation) {
    case 'GetRole':
      return query(IAM_NS, operation, { Role: roleXml(state, state.role(name)) });
    case 'ListAttachedRolePolicies': {
      const page = paginate(state.role(name).attached, params);
      return query(IAM_NS, operation, {
        AttachedPolicies: page.items.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
        IsTruncated: page.marker !== undefined,
        Marker: page.marker,
      });
    }
    case 'ListRolePolicies': {
      const page = paginate([...state.role(name).inline.keys()].sort(), params);
      return query(IAM_NS, operation, {
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
      return query(IAM_NS, operation, { Role: roleXml(state, state.createServiceLinkedRole()) });
    }
    case 'DeleteServiceLinkedRole':
      return query(IAM_NS, operation, { DeletionTaskId: state.deleteServiceLinkedRole(name) });
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
      return query(IAM_NS, operation, { Status: task.status, Reason: reason });
    }
    case 'CreateRole': {
      const role = state.createRole(
        name,
        params.get('Path') ?? '/',
        params.get('AssumeRolePolicyDocument') ?? '{}',
      );
      return query(IAM_NS, operation, { Role: roleXml(state, role) });
    }
    case 'AttachRolePolicy':
      state.editable(name).attached.push(params.get('PolicyArn') ?? '');
      return query(IAM_NS, operation, undefined);
    case 'DetachRolePolicy': {
      const role = state.editable(name);
      const index = role.attached.indexOf(params.get('PolicyArn') ?? '');
      if (index < 0)
        throw new ApiError('NoSuchEntity', `Policy ${params.get('PolicyArn')} was not found.`, 404);
      role.attached.splice(index, 1);
      return query(IAM_NS, operation, undefined);
    }
    case 'PutRolePolicy':
      state.editable(name).inline.set(params.get('PolicyName') ?? '', params.get('PolicyDocument') ?? '');
      return query(IAM_NS, operation, undefined);
    case 'DeleteRolePolicy':
      if (!state.editable(name).inline.delete(params.get('PolicyName') ?? '')) {
        throw new ApiError(
          'NoSuchEntity',
          `The role policy with name ${params.get('PolicyName')} cannot be found.`,
          404,
        );
      }
      return query(IAM_NS, operation, undefined);
    case 'DeleteRole':
      state.deleteRole(name);
      return query(IAM_NS, operation, undefined);
    default:
      throw new ApiError('InvalidAction', `Could not find operation ${operation} for version 2010-05-08.`);
  }
}

export function sts(state: AccountState, { operation }: ApiRequest): WireResponse {
  if (operation !== 'GetCallerIdentity')
    throw new ApiError('InvalidAction', `Unknown operation ${operation}.`);
  return query(STS_NS, operation, {
    Arn: `arn:aws:iam::${state.accountId}:user/local`,
    UserId: 'AIDALOCALUSER',
    Account: state.accountId,
  });
}

export interface Published {
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

export function sns(
  state: AccountState,
  { operation, params, region }: ApiRequest,
  published: Published[],
): WireResponse {
  if (operation === 'CreateTopic') {
    const arn = `arn:aws:sns:${region}:${state.accountId}:${params.get('Name')}`;
    state.topics.add(arn);
    return query(SNS_NS, operation, { TopicArn: arn });
  }
  if (operation !== 'Publish') throw new ApiError('InvalidAction', `Unknown operation ${operation}.`);
  const topicArn = params.get('TopicArn') ?? '';
  if (!state.topics.has(topicArn)) throw new ApiError('NotFound', 'Topic does not exist', 404);
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    attributes[params.get(`MessageAttributes.entry.${n}.Name`) ?? ''] =
      params.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  published.push({
    topicArn,
    subject: params.get('Subject') ?? undefined,
    message: params.get('Message') ?? '',
    attributes,
  });
  return query(SNS_NS, operation, { MessageId: randomUUID() });
}

export interface Queued {
  readonly queueUrl: string;
  readonly body: string;
  readonly delaySeconds: number;
}

/** SQS over AWS JSON 1.0: `SendMessage` to a queue made with `createQueue`, kept for the test to read. */
export function sqs(state: AccountState, { operation, json }: ApiRequest, queued: Queued[]): WireResponse {
  if (operation !== 'SendMessage') throw new ApiError('InvalidAction', `Unknown operation ${operation}.`);
  const queueUrl = String(json.QueueUrl ?? '');
  if (!state.queues.has(queueUrl)) {
    throw new ApiError('QueueDoesNotExist', 'The specified queue does not exist.');
  }
  const body = String(json.MessageBody ?? '');
  const delaySeconds = Number(json.DelaySeconds ?? 0);
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
    throw new ApiError('InvalidParameterValue', 'DelaySeconds must be from 0 to 900.');
  }
  queued.push({ queueUrl, body, delaySeconds });
  // The SDK checks the digest of the body it sent against this one.
  const digest = createHash('md5').update(body).digest('hex');
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: digest }),
  };
}

/**
 * EC2 `DescribeRegions` over the EC2 query protocol: the enabled Regions, or with `AllRegions=true` every Region
 * with its `OptInStatus`.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 */
export function ec2(
  regions: ReadonlyMap<string, OptInStatus>,
  { operation, params }: ApiRequest,
): WireResponse {
  if (operation !== 'DescribeRegions')
    throw new ApiError('InvalidAction', `The action ${operation} is not valid for this web service.`);
  const all = params.get('AllRegions') === 'true';
  const items = [...regions.entries()]
    .filter(([, status]) => all || status !== 'not-opted-in')
    .map(([name, status]) => ({
      regionName: name,
      regionEndpoint: `ec2.${name}.amazonaws.com`,
      optInStatus: status,
    }));
  const body = `<DescribeRegionsResponse xmlns="${EC2_NS}"><requestId>${randomUUID()}</requestId>${xml('regionInfo', items, 'item')}</DescribeRegionsResponse>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

/** The Account API's name for each EC2 opt-in status. */
const ACCOUNT_OPT_STATUS: Readonly<Record<OptInStatus, string>> = {
  'opt-in-not-required': 'ENABLED_BY_DEFAULT',
  'opted-in': 'ENABLED',
  'not-opted-in': 'DISABLED',
};
const ACCOUNT_OPT_STATUSES: ReadonlySet<string> = new Set([
  'ENABLED',
  'ENABLING',
  'DISABLING',
  'DISABLED',
  'ENABLED_BY_DEFAULT',
]);
/** Regions per `ListRegions` page when `MaxResults` is not given (the local account's choice). */
const ACCOUNT_DEFAULT_PAGE = 20;

/**
 * The Account Management API over REST-JSON: `ListRegions` (`POST /listRegions`), every Region of the account with
 * its `RegionOptStatus`, filtered by `RegionOptStatusContains`, paged by `MaxResults` (1–50) and `NextToken`.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
 */
export function account(
  regions: ReadonlyMap<string, OptInStatus>,
  { operation, json }: ApiRequest,
): WireResponse {
  if (operation !== 'ListRegions')
    throw new ApiError('UnknownOperationException', `Unknown operation ${operation}.`, 404);
  const wanted = json.RegionOptStatusContains;
  if (
    wanted !== undefined &&
    (!Array.isArray(wanted) || wanted.some((status) => !ACCOUNT_OPT_STATUSES.has(String(status))))
  ) {
    throw new ApiError('ValidationException', 'RegionOptStatusContains has an unknown status.');
  }
  const size = json.MaxResults === undefined ? ACCOUNT_DEFAULT_PAGE : Number(json.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > 50)
    throw new ApiError('ValidationException', 'MaxResults must be from 1 to 50.');
  const start = json.NextToken === undefined ? 0 : Number(json.NextToken);
  if (!Number.isInteger(start) || start < 0) throw new ApiError('ValidationException', 'Invalid NextToken.');

  const all = [...regions.entries()]
    .map(([name, status]) => ({ RegionName: name, RegionOptStatus: ACCOUNT_OPT_STATUS[status] }))
    .filter((region) => !Array.isArray(wanted) || wanted.includes(region.RegionOptStatus))
    .sort((a, b) => a.RegionName.localeCompare(b.RegionName));
  const end = start + size;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Regions: all.slice(start, end),
      ...(end < all.length ? { NextToken: String(end) } : {}),
    }),
  };
}

/** An error in REST-JSON (the Account API): the code in `x-amzn-errortype`, the message in the body. */
export function restJsonError(error: ApiError): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ message: error.message }),
  };
}

/** Errors in the query protocols: IAM/STS/SNS `ErrorResponse`, EC2 `Response/Errors`. */
export function queryError(service: string, error: ApiError): WireResponse {
  const body =
    service === 'ec2'
      ? `<Response><Errors>${xml('Error', { Code: error.code, Message: error.message })}</Errors><RequestID>${randomUUID()}</RequestID></Response>`
      : `<ErrorResponse xmlns="${IAM_NS}">${xml('Error', { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message })}<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
}

function query(
  namespace: string,
  operation: string,
  result: Record<string, unknown> | undefined,
): WireResponse {
  const resultXml = result ? xml(`${operation}Result`, result as never) : '';
  const body = `<${operation}Response xmlns="${namespace}">${resultXml}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
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
    MaxSessionDuration: 3600,
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
