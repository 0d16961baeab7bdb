import { Aws, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

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
 * The hub's bus (`EventBus` in `scope`), named {@link HUB_EVENT_BUS_NAME}, that accepts events from its own account
 * only: the forwarders in the account's other Regions send to it (forwarded events keep their `region` and
 * `account`).
 */
export function addHubEventBus(scope: Construct): events.EventBus {
  const eventBus = new events.EventBus(scope, 'EventBus', { eventBusName: HUB_EVENT_BUS_NAME });
  eventBus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AcceptEventsForwardedFromThisAccount',
      principals: [new iam.AccountPrincipal(Stack.of(scope).account)],
      actions: ['events:PutEvents'],
      resources: [eventBus.eventBusArn],
    }),
  );
  return eventBus;
}
