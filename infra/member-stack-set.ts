import { Aws, CfnStackSet, Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MEMBER_PARAMETER_IDS, type MemberParameters } from './member-stack.js';
import { memberStackRegions, memberTemplateBody } from './member-template.js';
import type { ValidatedOrganization } from './organization-props.js';

/** The StackSet's name: unique in the hub's account and Region, as the hub's bus name is. */
export const MEMBER_STACK_SET_NAME = 'EcrReplicationRoleReconcilerMembers';

/** What the StackSet needs of the hub. */
interface MemberStackSetOptions {
  readonly organization: ValidatedOrganization;
  readonly hubRegion: string;
  readonly hubEventBusArn: string;
  /** The roles the read role trusts, besides the extra ones of the organization props (tokens of this stack). */
  readonly memberReaderRoleArns: readonly string[];
}

/**
 * The member template ({@link MemberStack}) deployed by a service-managed StackSet (`MemberStackSet` in `scope`) to
 * every account of the target organizational units, and to the accounts that join them later
 * (`AutoDeployment`), in each member Region and the global-events Region; an account that leaves loses its stacks
 * (`RetainStacksOnAccountRemoval: false`). The management account never gets them from a service-managed StackSet:
 * it has plain stacks of the same template (see `addReconcilerStacks`).
 *
 * Stack instances are created in every Region at once and in a quarter of the accounts at a time; up to a tenth may
 * fail without stopping the others (an account whose SCPs deny IAM, say), and are reported on the StackSet.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export function addMemberStackSet(scope: Construct, options: MemberStackSetOptions): CfnStackSet {
  const { organization, hubRegion } = options;
  const values: MemberParameters = {
    hubEventBusArn: options.hubEventBusArn,
    hubAccountId: Aws.ACCOUNT_ID,
    readRoleName: organization.readRoleName,
    trustedPrincipalArns: [...options.memberReaderRoleArns, ...organization.readRoleTrustedPrincipalArns],
    organizationId: organization.organizationId,
  };
  return new CfnStackSet(scope, 'MemberStackSet', {
    stackSetName: MEMBER_STACK_SET_NAME,
    description:
      'ECR replication role reconciler: member accounts forward their events to the hub; read-only role',
    permissionModel: 'SERVICE_MANAGED',
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    callAs: organization.callAs,
    capabilities: ['CAPABILITY_NAMED_IAM'],
    // Operations that do not conflict run at once; the others wait their turn instead of failing.
    managedExecution: { Active: true },
    operationPreferences: {
      regionConcurrencyType: 'PARALLEL',
      concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
    },
    stackInstancesGroup: [
      {
        deploymentTargets: { organizationalUnitIds: [...organization.targetOrganizationalUnitIds] },
        regions: memberStackRegions(organization.memberRegions, hubRegion),
      },
    ],
    parameters: (Object.keys(MEMBER_PARAMETER_IDS) as (keyof MemberParameters)[]).map((key) => {
      const value = values[key];
      return {
        parameterKey: MEMBER_PARAMETER_IDS[key],
        parameterValue: typeof value === 'string' ? value : Fn.join(',', [...value]),
      };
    }),
    templateBody: memberTemplateBody(hubRegion, organization.memberRegions),
  });
}
