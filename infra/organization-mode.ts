import type { CfnStackSet } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { partitionOfRegion } from '../functions/core/partition.js';
import { addMemberStackSet } from './member-stack-set.js';
import { memberStackRegions } from './member-template.js';
import { grantAccountRegister, grantAccountRegisterRead, grantMemberReads } from './organization-grants.js';
import type { ValidatedOrganization } from './organization-props.js';
import { connectOrganizationSweep, type SweepAlarms } from './organization-sweep.js';
import type { ReconcilerFunction } from './reconciler-function.js';

/** The hub's parts that organization mode connects. */
interface OrganizationHub {
  readonly organization: ValidatedOrganization;
  readonly hubRegion: string;
  readonly eventFunction: ReconcilerFunction;
  readonly recheckFunction: ReconcilerFunction;
  readonly sweepFunction: ReconcilerFunction;
  readonly accountQueue: sqs.Queue;
  readonly accountDeadLetters: sqs.Queue;
  readonly alertTable: dynamodb.ITable;
  readonly alertTopic: sns.ITopic;
  readonly eventBusArn: string;
}

/** What organization mode adds to the hub. */
interface OrganizationParts {
  readonly alarms: SweepAlarms;
  readonly stackSet: CfnStackSet;
}

/**
 * Organization mode's part of the hub, in `scope`: the event and recheck functions may read the member accounts
 * (through their read role) and keep the account register; the sweep feeds the recheck function through the
 * account queue; the StackSet deploys the member template to the target organizational units.
 */
export function addOrganizationMode(scope: Construct, hub: OrganizationHub): OrganizationParts {
  const { organization, hubRegion } = hub;
  checkMemberRegions(organization, hubRegion);
  for (const fn of [hub.eventFunction, hub.recheckFunction]) {
    grantMemberReads(fn, organization);
    grantAccountRegister(fn, hub.alertTable);
  }
  grantAccountRegisterRead(hub.sweepFunction, hub.alertTable);
  const alarms = connectOrganizationSweep(scope, {
    organization,
    sweepFunction: hub.sweepFunction,
    recheckFunction: hub.recheckFunction,
    accountQueue: hub.accountQueue,
    accountDeadLetters: hub.accountDeadLetters,
    alertTopic: hub.alertTopic,
  });
  const stackSet = addMemberStackSet(scope, {
    organization,
    hubRegion,
    hubEventBusArn: hub.eventBusArn,
    memberReaderRoleArns: [hub.eventFunction, hub.recheckFunction].map((fn) => fn.role?.roleArn as string),
  });
  return { alarms, stackSet };
}

/**
 * The member Regions must be in the hub's partition; outside the commercial one, where bus targets cannot cross
 * Regions, they can only be the hub's Region.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
function checkMemberRegions(organization: ValidatedOrganization, hubRegion: string): void {
  const partition = partitionOfRegion(hubRegion);
  const regions = memberStackRegions(organization.memberRegions, hubRegion);
  const elsewhere = regions.filter((region) => partitionOfRegion(region) !== partition);
  if (elsewhere.length > 0) {
    throw new Error(
      `EcrReplicationRoleReconciler: organization.memberRegions ${elsewhere.join(', ')} are not in the hub's ` +
        `partition (${partition}).`,
    );
  }
  if (partition !== 'aws' && regions.some((region) => region !== hubRegion)) {
    throw new Error(
      `EcrReplicationRoleReconciler: cross-Region event bus targets are only available in commercial Regions, not ` +
        `in ${partition}: organization.memberRegions can only be the hub's Region there.`,
    );
  }
}
