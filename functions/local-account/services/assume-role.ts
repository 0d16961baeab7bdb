import { sessionArn } from '../sessions.js';
import { ApiError, type Role } from '../state.js';
import { trustsPrincipal } from '../trust.js';
import type { StsContext } from './sts.js';
import type { ApiRequest } from './wire.js';

/** An IAM role ARN, its path kept: `arn:aws:iam::<account>:role<path><name>`. */
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/;
/** Role chaining (a role session assuming a role) is limited to one hour. */
const CHAINED_MAX_SECONDS = 3600;
/** Only these accounts can be signed in to; a suspended or closed one cannot. */
const OPEN_STATES: ReadonlySet<string> = new Set(['ACTIVE', 'PENDING_ACTIVATION']);

/**
 * `AssumeRole`: validates the input as STS does (`ValidationError`, every violation in one message), then issues
 * credentials only when the role exists in its account at the ARN's path and its trust policy lets the caller in
 * with the external id given; anything else is STS's one `AccessDenied`, which never says which part failed.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function assumeRole(context: StsContext, { params, region }: ApiRequest): Record<string, unknown> {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId') ?? undefined;
  const durationSeconds = params.has('DurationSeconds') ? Number(params.get('DurationSeconds')) : 3600;
  const violations = [
    ...lengthViolations('roleArn', roleArn, 20, 2048),
    ...lengthViolations('roleSessionName', sessionName, 2, 64),
    ...patternViolations('roleSessionName', sessionName, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*'),
    ...(externalId === undefined ? [] : lengthViolations('externalId', externalId, 2, 1224)),
    ...(externalId === undefined
      ? []
      : patternViolations('externalId', externalId, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*')),
    ...rangeViolations('durationSeconds', durationSeconds, 900, 43200),
  ];
  if (violations.length > 0) {
    const count = `${violations.length} validation error${violations.length > 1 ? 's' : ''} detected`;
    throw new ApiError('ValidationError', `${count}: ${violations.join('; ')}`);
  }

  const { caller } = context;
  const target = findAssumableRole(context, roleArn ?? '', externalId);
  if (!target) {
    throw new ApiError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  if (durationSeconds > target.role.maxSessionDuration) {
    throw new ApiError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  if (caller.session && durationSeconds > CHAINED_MAX_SECONDS) {
    throw new ApiError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }

  const now = context.now();
  const { account, role } = target;
  role.lastUsed = { date: now.toISOString(), region };
  const session = context.sessions.issue({
    account,
    roleName: role.roleName,
    rolePath: role.path,
    roleId: role.roleId,
    sessionName: sessionName ?? '',
    expiresAt: now.getTime() + durationSeconds * 1000,
  });
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    AssumedRoleUser: {
      AssumedRoleId: `${session.roleId}:${session.sessionName}`,
      Arn: sessionArn(session),
    },
  };
}

/** The role `roleArn` names, when its account is open, it exists at that path, and it trusts the caller. */
function findAssumableRole(
  { caller, directory }: StsContext,
  roleArn: string,
  externalId: string | undefined,
): { account: string; role: Role } | undefined {
  const [, account = '', path = '', name = ''] = ROLE_ARN.exec(roleArn) ?? [];
  const record = directory.get(account);
  if (!record || !OPEN_STATES.has(record.organizationState)) return undefined;
  const role = record.state.roles.get(name.toLowerCase());
  if (!role || role.path !== path) return undefined;
  const session = caller.session;
  const arns = session
    ? [caller.arn, `arn:aws:iam::${session.account}:role${session.rolePath}${session.roleName}`]
    : [caller.arn];
  return trustsPrincipal(role.trustPolicy, { account: caller.account, arns }, externalId)
    ? { account, role }
    : undefined;
}

function lengthViolations(field: string, value: string | null, min: number, max: number): string[] {
  if (value === null)
    return [`Value null at '${field}' failed to satisfy constraint: Member must not be null`];
  if (value.length < min)
    return [`${valueAt(field, value)} Member must have length greater than or equal to ${min}`];
  if (value.length > max)
    return [`${valueAt(field, value)} Member must have length less than or equal to ${max}`];
  return [];
}

function patternViolations(field: string, value: string | null, pattern: RegExp, shown: string): string[] {
  if (value === null || pattern.test(value)) return [];
  return [`${valueAt(field, value)} Member must satisfy regular expression pattern: ${shown}`];
}

function rangeViolations(field: string, value: number, min: number, max: number): string[] {
  if (Number.isInteger(value) && value >= min && value <= max) return [];
  const bound = value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
  return [`${valueAt(field, String(value))} Member must have value ${bound}`];
}

function valueAt(field: string, value: string): string {
  return `Value '${value}' at '${field}' failed to satisfy constraint:`;
}
