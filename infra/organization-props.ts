import { Token } from 'aws-cdk-lib';
import { MEMBER_READ_ROLE_NAME } from '../functions/core/permissions.js';
import { REGION_NAME } from '../functions/settings.js';

/**
 * How the StackSet is created: `DELEGATED_ADMIN` from an account registered as the organization's delegated
 * administrator for CloudFormation StackSets (the organization mode's home), `SELF` from the management account.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
 */
export type StackSetCallAs = 'SELF' | 'DELEGATED_ADMIN';

/**
 * Watch a whole AWS Organization from this (central) account: the hub's bus accepts the organization's events, a
 * service-managed StackSet deploys the member template to the target organizational units (and to accounts that
 * join them later), and an hourly sweep reconciles every ACTIVE account through the account queue.
 *
 * @example
 * const organization: OrganizationProps = {
 *   organizationId: 'o-a1b2c3d4e5',
 *   targetOrganizationalUnitIds: ['ou-ab12-cdefgh12'],
 * };
 */
export interface OrganizationProps {
  /** The organization's id, `o-` and 10 to 32 lowercase letters or digits. */
  readonly organizationId: string;
  /**
   * Where the StackSet deploys the member template: organizational unit ids (`ou-…-…`), or the root (`r-…`) for every
   * account. Accounts moved into them later get it too; the management account never does (see the README).
   */
  readonly targetOrganizationalUnitIds: readonly string[];
  /**
   * The Regions whose ECR replication changes the member accounts forward. The global-events Region (`us-east-1`)
   * always gets a stack too: IAM and Region opt-in events arrive there, and the read role is created there.
   * @default - the watched Regions (`regions`)
   */
  readonly memberRegions?: readonly string[];
  /**
   * The name of the read-only role in every member account.
   * @default MEMBER_READ_ROLE_NAME (`ecr-replication-role-reconciler-read`)
   */
  readonly readRoleName?: string;
  /**
   * Further role ARNs allowed to assume the read role (e.g. a security team's role that runs `scan --organization`),
   * besides the hub's event and recheck functions. Each must be in the organization.
   * @default - the hub's functions only
   */
  readonly readRoleTrustedPrincipalArns?: readonly string[];
  /**
   * A role in the management account that may list the organization's accounts, assumed by the sweep. Without it,
   * the sweep lists them with its own credentials, which needs this account to be a delegated administrator.
   * @default - ListAccounts with the sweep's own credentials
   */
  readonly managementAccountListRoleArn?: string;
  /**
   * How many accounts are reconciled at once (the account queue's `MaximumConcurrency`, 2–1,000). Each reconcile
   * assumes a role through STS, whose request quota is this account's: keep it modest.
   * @default 10
   */
  readonly accountConcurrency?: number;
  /**
   * `CallAs` of the StackSet.
   * @default 'DELEGATED_ADMIN'
   */
  readonly callAs?: StackSetCallAs;
}

/** The organization props once validated, with their defaults applied. */
export interface ValidatedOrganization {
  readonly organizationId: string;
  readonly targetOrganizationalUnitIds: readonly string[];
  readonly memberRegions: readonly string[];
  readonly readRoleName: string;
  readonly readRoleTrustedPrincipalArns: readonly string[];
  readonly managementAccountListRoleArn: string | undefined;
  readonly accountConcurrency: number;
  readonly callAs: StackSetCallAs;
}

export const DEFAULT_ACCOUNT_CONCURRENCY = 10;
/** The event source mapping's `MaximumConcurrency` bounds. */
const ACCOUNT_CONCURRENCY = { min: 2, max: 1000 } as const;

/** @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** An OU id, or the root's id. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html */
const ORGANIZATIONAL_UNIT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
/** An IAM role ARN in any partition, at any path. */
export const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const CALL_AS: readonly StackSetCallAs[] = ['SELF', 'DELEGATED_ADMIN'];

/**
 * Checks the organization props and applies the defaults; the first bad value throws an error that names it as
 * `nameOf` spells it (a construct prop, a context key). Tokens are not checked.
 */
export function validateOrganization(
  props: OrganizationProps,
  watchedRegions: readonly string[],
  nameOf: (key: keyof OrganizationProps) => string,
): ValidatedOrganization {
  const fail = (key: keyof OrganizationProps, rule: string, value: unknown): never => {
    throw new Error(`${nameOf(key)} must be ${rule}, not ${JSON.stringify(value)}.`);
  };
  const known = (value: string) => !Token.isUnresolved(value);
  const { organizationId } = props;
  if (known(organizationId) && !ORGANIZATION_ID.test(organizationId)) {
    fail(
      'organizationId',
      'an organization id (o- and 10 to 32 lowercase letters or digits)',
      organizationId,
    );
  }
  const ous = unique(props.targetOrganizationalUnitIds);
  if (ous.length === 0 || ous.some((ou) => known(ou) && !ORGANIZATIONAL_UNIT_ID.test(ou))) {
    fail('targetOrganizationalUnitIds', 'organizational unit ids (ou-…-…) or the root id (r-…)', ous);
  }
  const memberRegions = unique(props.memberRegions ?? watchedRegions);
  if (
    memberRegions.length === 0 ||
    memberRegions.some((region) => known(region) && !REGION_NAME.test(region))
  ) {
    fail('memberRegions', 'Region codes, e.g. us-east-1,eu-west-1', memberRegions);
  }
  const readRoleName = props.readRoleName ?? MEMBER_READ_ROLE_NAME;
  if (known(readRoleName) && !ROLE_NAME.test(readRoleName)) {
    fail('readRoleName', 'an IAM role name (1 to 64 of letters, digits and +=,.@_-)', readRoleName);
  }
  const trusted = unique(props.readRoleTrustedPrincipalArns ?? []);
  if (trusted.some((arn) => known(arn) && !ROLE_ARN.test(arn))) {
    fail('readRoleTrustedPrincipalArns', 'IAM role ARNs (arn:aws:iam::<account>:role/<name>)', trusted);
  }
  const listRole = props.managementAccountListRoleArn;
  if (listRole !== undefined && known(listRole) && !ROLE_ARN.test(listRole)) {
    fail('managementAccountListRoleArn', 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)', listRole);
  }
  const accountConcurrency = props.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
  if (
    !Number.isInteger(accountConcurrency) ||
    accountConcurrency < ACCOUNT_CONCURRENCY.min ||
    accountConcurrency > ACCOUNT_CONCURRENCY.max
  ) {
    fail('accountConcurrency', 'a whole number from 2 to 1000', accountConcurrency);
  }
  const callAs = props.callAs ?? 'DELEGATED_ADMIN';
  if (!CALL_AS.includes(callAs)) fail('callAs', 'SELF or DELEGATED_ADMIN', callAs);
  return {
    organizationId,
    targetOrganizationalUnitIds: ous,
    memberRegions,
    readRoleName,
    readRoleTrustedPrincipalArns: trusted,
    managementAccountListRoleArn: listRole,
    accountConcurrency,
    callAs,
  };
}

/** Each value once, trimmed, blanks dropped (as the functions read comma lists). */
function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter(Boolean))];
}
