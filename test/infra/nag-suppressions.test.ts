import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { addNagSuppressions, type NagSuppression } from '../../infra/nag-suppressions.js';

/** A queue with no DLQ (AwsSolutions-SQS3) and a role with a wildcard policy (AwsSolutions-IAM5), in a stack. */
function resources() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const queue = new sqs.Queue(stack, 'Queue', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  return { app, stack, queue, role };
}

type Targets = ReturnType<typeof resources>;
type Write = (
  construct: IConstruct | IConstruct[],
  suppressions: NagSuppression[],
  applyToChildren?: boolean,
) => void;

const cdkNag: Write = (construct, suppressions, applyToChildren) =>
  NagSuppressions.addResourceSuppressions(
    construct,
    suppressions.map((suppression) => ({
      ...suppression,
      appliesTo: suppression.appliesTo && [...suppression.appliesTo],
    })),
    applyToChildren,
  );
const ours: Write = addNagSuppressions;

/** Each case writes suppressions on fresh resources; cdk-nag's helper and ours must leave the same template. */
const CASES: Record<string, (write: Write, targets: Targets) => void> = {
  'one resource': (write, { queue }) =>
    write(queue, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' }]),
  'a construct and its children, granular findings (string and regex)': (write, { role }) =>
    write(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'Reads any object of the bucket.',
          appliesTo: ['Resource::*', { regex: '/^Action::s3:.*$/g' }],
        },
      ],
      true,
    ),
  'a reason beyond Latin-1 (stored base64-encoded)': (write, { queue }) =>
    write(queue, [
      { id: 'AwsSolutions-SQS3', reason: 'It is the dead-letter queue — alarmed on its depth.' },
    ]),
  'several constructs, suppressions added twice and added to': (write, { queue, role }) => {
    const first = { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' };
    write([queue, role], [first]);
    write(queue, [first, { id: 'AwsSolutions-SQS4', reason: 'Another reason that is long enough.' }]);
    write(role, [{ id: 'AwsSolutions-IAM5', reason: 'Reads any object.', appliesTo: [] }], true);
  },
};

/** The `cdk_nag` metadata of every CloudFormation resource in the stack, by construct path. */
function nagMetadata({ stack }: Targets): Record<string, unknown> {
  return Object.fromEntries(
    stack.node
      .findAll()
      .filter(CfnResource.isCfnResource)
      .map((resource) => [resource.node.path, resource.getMetadata('cdk_nag')]),
  );
}

describe('addNagSuppressions', () => {
  it.each(Object.entries(CASES))('writes what cdk-nag writes: %s', (_name, apply) => {
    const theirs = resources();
    const mine = resources();
    apply(cdkNag, theirs);
    apply(ours, mine);
    // Compared as JSON text: the order of keys and rules is what cdk-nag writes too.
    expect(JSON.stringify(nagMetadata(mine))).toBe(JSON.stringify(nagMetadata(theirs)));
    expect(Object.values(nagMetadata(mine)).filter(Boolean).length).toBeGreaterThan(0);
  });

  // That cdk-nag then reports nothing it acknowledges: the cdk-nag tests of the stacks (ecr-replication-role-
  // reconciler, forwarder-stack, app), whose every suppression is written by addNagSuppressions.

  it('refuses a reason cdk-nag would refuse, and no construct at all', () => {
    const { queue } = resources();
    expect(() => addNagSuppressions(queue, [{ id: 'AwsSolutions-SQS3', reason: 'short' }])).toThrow(
      /10 characters/,
    );
    expect(() => addNagSuppressions([], [{ id: 'AwsSolutions-SQS3', reason: 'long enough reason' }])).toThrow(
      /no construct/,
    );
  });
});
