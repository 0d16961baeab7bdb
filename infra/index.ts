/**
 * `ecr-replication-role-reconciler/cdk`: the reconciler as CDK constructs (`aws-cdk-lib` 2 and `constructs` 10,
 * peer dependencies). The Lambda code ships prebuilt in the package: synthesizing needs neither esbuild nor Docker.
 *
 * @example
 * import { App, Stack } from 'aws-cdk-lib';
 * import { EcrReplicationRoleReconciler } from 'ecr-replication-role-reconciler/cdk';
 *
 * const app = new App();
 * const stack = new Stack(app, 'Reconciler', { env: { region: 'us-east-1' } });
 * new EcrReplicationRoleReconciler(stack, 'Reconciler', { regions: ['us-east-1', 'eu-west-1'] });
 * app.synth();
 */
export { METRIC_NAMESPACE, SERVICE_NAME } from '../functions/settings.js';
export { EcrReplicationRoleReconciler } from './ecr-replication-role-reconciler.js';
export {
  ECR_REPLICATION_CHANGE_PATTERN,
  globalEventsRegion,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from './event-patterns.js';
export { FORWARDER_ALARM_PREFIX, ForwarderStack, type ForwarderStackProps } from './forwarder-stack.js';
export { ALERTS_UNDELIVERED_METRIC, OPEN_HIGH_FINDINGS_METRIC, type ReconcilerAlarms } from './hub-alarms.js';
export { HUB_EVENT_BUS_NAME, hubEventBusArn } from './hub-event-bus.js';
export { hubFunctionRoleName, memberReaderRoleArns } from './hub-role-names.js';
export { ReconcilerHubStack, type ReconcilerHubStackProps } from './hub-stack.js';
export type { LambdaBundleName } from './lambda-bundles.js';
export { memberStackName } from './management-stacks.js';
export {
  MEMBER_PARAMETER_IDS,
  type MemberParameters,
  MemberStack,
  type MemberStackProps,
} from './member-stack.js';
export { MEMBER_STACK_SET_NAME } from './member-stack-set.js';
export { memberStackRegions, memberTemplateBody } from './member-template.js';
export { MANAGEMENT_ACCOUNT_CONTEXT_KEY, ORGANIZATION_CONTEXT_KEYS } from './organization-context.js';
export {
  DEFAULT_ACCOUNT_CONCURRENCY,
  type OrganizationProps,
  type StackSetCallAs,
} from './organization-props.js';
export {
  addReconcilerStacks,
  DEFAULT_HUB_REGION,
  forwarderStackName,
  HUB_STACK_NAME,
  type ReconcilerAppSettings,
  type ReconcilerStacks,
  readAppSettings,
} from './reconciler-app.js';
export { ReconcilerFunction, type ReconcilerFunctionProps } from './reconciler-function.js';
export { DEFAULT_EVENT_CONCURRENCY, type EcrReplicationRoleReconcilerProps } from './reconciler-props.js';
