import { type App, Token } from 'aws-cdk-lib';
import { partitionOfRegion } from '../functions/core/partition.js';
import { MEMBER_READ_ROLE_NAME } from '../functions/core/permissions.js';
import { HUB_EVENT_BUS_NAME } from './hub-event-bus.js';
import { memberReaderRoleArns } from './hub-role-names.js';
import { MemberStack } from './member-stack.js';
import { memberStackRegions } from './member-template.js';
import type { OrganizationProps } from './organization-props.js';

/** Stack names of the management account's member stacks: a public contract (`cdk deploy <name>`). */
export const memberStackName = (region: string) => `EcrReplicationRoleReconcilerMember-${region}`;

/** Where the hub is, and what the organization mode was given. */
interface ManagementStacksOptions {
  readonly managementAccount: string;
  readonly hubRegion: string;
  /** The hub's account: it must be known, because the stacks name its roles and bus as plain strings. */
  readonly hubAccount: string | undefined;
  readonly watchedRegions: readonly string[];
  readonly organization: OrganizationProps;
}

/**
 * The member template as plain stacks of the management account, one per member Region and the global-events
 * Region: a service-managed StackSet never deploys to the management account. The parameters default to the hub's
 * values, written out (no cross-stack, cross-account reference), so that `cdk deploy` needs no `--parameters`. They
 * are deployed with the management account's credentials, after the hub (the read role's trust policy names the
 * hub's function roles, which must exist); nothing here needs the CDK bootstrap in the management account.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export function addManagementAccountStacks(app: App, options: ManagementStacksOptions): MemberStack[] {
  const { hubRegion, hubAccount, organization } = options;
  if (hubAccount === undefined || Token.isUnresolved(hubAccount)) {
    throw new Error(
      'context managementAccount: the member stacks name the hub account; give it with -c account=<id> (or deploy ' +
        'with credentials for it, CDK_DEFAULT_ACCOUNT).',
    );
  }
  const ecrRegions = organization.memberRegions ?? options.watchedRegions;
  const partition = partitionOfRegion(hubRegion);
  return memberStackRegions(ecrRegions, hubRegion).map(
    (region) =>
      new MemberStack(app, memberStackName(region), {
        env: { account: options.managementAccount, region },
        description: `ECR replication role reconciler: management account member stack (${region})`,
        hubRegion,
        ecrRegions,
        defaults: {
          hubEventBusArn: `arn:${partition}:events:${hubRegion}:${hubAccount}:event-bus/${HUB_EVENT_BUS_NAME}`,
          hubAccountId: hubAccount,
          readRoleName: organization.readRoleName ?? MEMBER_READ_ROLE_NAME,
          trustedPrincipalArns: memberReaderRoleArns(
            hubRegion,
            hubAccount,
            organization.readRoleTrustedPrincipalArns,
          ),
          organizationId: organization.organizationId,
        },
      }),
  );
}
