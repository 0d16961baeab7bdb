import { Aws, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The hub's event bus: the account's other Regions forward their events to it. */
export const HUB_EVENT_BUS_NAME = 'ecr-replication-role-reconciler';

/**
 * The hub's event bus ARN, built as a string (no cross-stack reference, so forwarders in other Regions can use it).
 *
 * @example
 * hubEventBusArn('us-east-1', '111122223333'); // → 'arn:${Partition}:events:us-east-1:111122223333:event-bus/…'
 */
export function hubEventBusArn(hubRegion: string, account: string = Aws.ACCOUNT_ID): string {
  return `arn:${Aws.PARTITION}:events:${hubRegion}:${account}:event-bus/${HUB_EVENT_BUS_NAME}`;
}

/**
 * The hub's bus (`EventBus` in `scope`), named {@link HUB_EVENT_BUS_NAME}, that accepts events from its own account:
 * the forwarders in the account's other Regions send to it (forwarded events keep their `region` and `account`).
 * With an `organizationId`, it also accepts them from the organization's accounts (`aws:PrincipalOrgID`), never
 * from anyone else: the member accounts' rules send through a role of their own, as EventBridge requires when the
 * permission comes from the organization.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 */
export function addHubEventBus(scope: Construct, organizationId?: string): events.EventBus {
  const eventBus = new events.EventBus(scope, 'EventBus', { eventBusName: HUB_EVENT_BUS_NAME });
  const thisAccount = eventBus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AcceptEventsForwardedFromThisAccount',
      principals: [new iam.AccountPrincipal(Stack.of(scope).account)],
      actions: ['events:PutEvents'],
      resources: [eventBus.eventBusArn],
    }),
  );
  if (organizationId !== undefined) {
    const organization = eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AcceptEventsForwardedFromTheOrganization',
        principals: [new iam.StarPrincipal()],
        actions: ['events:PutEvents'],
        resources: [eventBus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      }),
    );
    // Each statement is a resource of its own that rewrites the bus's one policy: one after the other.
    const [first, second] = [thisAccount.policyDependable, organization.policyDependable];
    if (first && second instanceof Construct) second.node.addDependency(first);
  }
  return eventBus;
}
