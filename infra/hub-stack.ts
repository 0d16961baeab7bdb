import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EcrReplicationRoleReconciler } from './ecr-replication-role-reconciler.js';
import type { EcrReplicationRoleReconcilerProps } from './reconciler-props.js';

export interface ReconcilerHubStackProps extends StackProps {
  readonly reconciler: EcrReplicationRoleReconcilerProps;
}

/** The hub: the reconciler's functions, rules, topic, table, queues and alarms, in one Region. */
export class ReconcilerHubStack extends Stack {
  readonly reconciler: EcrReplicationRoleReconciler;

  constructor(scope: Construct, id: string, props: ReconcilerHubStackProps) {
    super(scope, id, props);
    this.reconciler = new EcrReplicationRoleReconciler(this, 'Reconciler', props.reconciler);
    new CfnOutput(this, 'AlertTopicArn', {
      description: 'Alerts and alarms: subscribe here (email, Amazon Q Developer in chat applications…)',
      value: this.reconciler.alertTopic.topicArn,
    });
    new CfnOutput(this, 'EventBusArn', {
      description: 'Where the forwarder stacks send events',
      value: this.reconciler.eventBus.eventBusArn,
    });
    new CfnOutput(this, 'AlertTableName', { value: this.reconciler.alertTable.tableName });
  }
}
