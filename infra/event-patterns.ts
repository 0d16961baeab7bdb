import type { aws_events as events } from 'aws-cdk-lib';
import { REPLICATION_ROLE } from '../functions/core/constants.js';
import { iamRegionFor } from '../functions/core/partition.js';
import { ROLE_EVENT_NAMES } from '../functions/core/watched-events.js';

/**
 * ECR replication changes, delivered in the Region whose replication configuration changed.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecr.html
 */
export const ECR_REPLICATION_CHANGE_PATTERN: events.EventPattern = {
  source: ['aws.ecr'],
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ecr.amazonaws.com'],
    eventName: ['PutReplicationConfiguration'],
  },
};

/**
 * IAM calls on the replication role, or creating/deleting the service-linked role for ECR replication.
 *
 * Role names compare case-insensitively in IAM, hence `equals-ignore-case`. CloudTrail lower-cases only the first
 * letter of query parameters, so `CreateServiceLinkedRole` carries `aWSServiceName`; `awsServiceName` is accepted
 * too. One rule with `$or` rather than three rules, so that one call is delivered once.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export const IAM_REPLICATION_ROLE_CHANGE_PATTERN: events.EventPattern = {
  source: ['aws.iam'],
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['iam.amazonaws.com'],
    // Failed calls are delivered too, with `errorCode`: the handler decides what they mean.
    eventName: [...ROLE_EVENT_NAMES],
    $or: [
      { requestParameters: { roleName: [{ 'equals-ignore-case': REPLICATION_ROLE.name }] } },
      {
        requestParameters: { aWSServiceName: [{ 'equals-ignore-case': REPLICATION_ROLE.servicePrincipal }] },
      },
      {
        requestParameters: { awsServiceName: [{ 'equals-ignore-case': REPLICATION_ROLE.servicePrincipal }] },
      },
    ],
  },
};

/**
 * A Region being enabled or disabled for the account: the set of Regions to read changes.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/monitoring-eventbridge.html
 */
export const REGION_OPT_IN_PATTERN: events.EventPattern = {
  source: ['aws.account'],
  detailType: ['Region Opt-In Status Change'],
};

/**
 * The Region where the account's global-service events (IAM, and Account Management's Region opt-in events)
 * reach EventBridge: `us-east-1` in the `aws` partition. IAM events are documented to arrive only there; the
 * Account Management example events carry `us-east-1` too.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail
 */
export function globalEventsRegion(region: string): string {
  return iamRegionFor(region);
}
