/** The EventBridge events the reconciler recognises: their sources, detail types and the calls it watches. */

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULE_DETAIL_TYPE = 'Scheduled Event';
export const ACCOUNT_SOURCE = 'aws.account';
export const REGION_OPT_IN_DETAIL_TYPE = 'Region Opt-In Status Change';

export const ECR_EVENT_SOURCE = 'ecr.amazonaws.com';
export const IAM_EVENT_SOURCE = 'iam.amazonaws.com';
/** The only call that changes a Region's replication configuration (there is no Delete). */
export const REPLICATION_EVENT_NAME = 'PutReplicationConfiguration';

/** IAM calls that can create, delete or change the role's trust or policies, or name a look-alike into being. */
export const ROLE_EVENT_NAMES = [
  'CreateServiceLinkedRole',
  'DeleteServiceLinkedRole',
  'DeleteRole',
  'CreateRole',
  'UpdateRole',
  'UpdateRoleDescription',
  'UpdateAssumeRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
] as const;
