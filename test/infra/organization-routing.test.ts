import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadEventSample } from '../../events/index.js';
import type { MemberStack } from '../../infra/member-stack.js';
import { addReconcilerStacks, readAppSettings } from '../../infra/reconciler-app.js';
import { matchesEventPattern } from '../support/event-pattern.js';
import { type MemberTemplate, resourcesAt } from './member-conditions.js';
import { ACCOUNT, deliveriesToEventFunction, deployedRules } from './templates.js';

// Where an event goes in organization mode: from a member account's default bus through the member stack's rules to
// the hub's bus (one hop), then through the hub's bus rules to the event function; from the hub's own account as in
// single-account mode. Every relevant event must reach the event function exactly once, whatever account it is from.

const MEMBER = '444455556666';
const app = new App({
  context: {
    organizationId: 'o-abcdefghij',
    targetOus: 'ou-ab12-cdefgh12',
    regions: 'us-east-1,eu-west-1',
    account: ACCOUNT,
    managementAccount: '999999999999',
  },
});
const { hub, forwarders, members } = addReconcilerStacks(app, readAppSettings(app.node, {}));
const hubRules = deployedRules([hub, ...forwarders]);
const member = Template.fromStack(members[0] as MemberStack).toJSON() as MemberTemplate;

type Event = Record<string, unknown> & { detail: Record<string, unknown> };
const from = (file: string, account: string, region: string): Event => {
  const event = loadEventSample(file) as Event;
  return {
    ...event,
    account,
    region,
    detail: { ...event.detail, awsRegion: region, recipientAccountId: account },
  };
};

/** How many times an event of a member account reaches the event function: member rules, then the hub bus. */
function deliveriesFromMember(event: Event): number {
  const region = event.region as string;
  const active = new Set(resourcesAt(member, region, event.account as string, ACCOUNT));
  const memberRules = Object.entries(member.Resources).filter(
    ([logicalId, resource]) => resource.Type === 'AWS::Events::Rule' && active.has(logicalId),
  );
  const forwarded = memberRules.filter(([, rule]) =>
    matchesEventPattern(rule.Properties?.EventPattern, event),
  );
  for (const [, rule] of forwarded) {
    expect(((rule.Properties?.Targets ?? []) as { Arn: unknown }[]).map((target) => target.Arn)).toEqual([
      { Ref: 'HubEventBusArn' },
    ]);
  }
  // On the hub's bus, the event keeps its account and Region; the hub's bus rules decide.
  const onHubBus = hubRules.filter((rule) => rule.bus === 'hub' && rule.pattern !== undefined);
  return (
    forwarded.length *
    onHubBus.filter(
      (rule) => matchesEventPattern(rule.pattern, event) && rule.targets.includes('event-function'),
    ).length
  );
}

describe('organization mode: event routing', () => {
  it.each([
    ['ECR replication change, us-east-1', 'ecr-put-replication-configuration.json', 'us-east-1', 1],
    ['ECR replication change, eu-west-1', 'ecr-put-replication-configuration.json', 'eu-west-1', 1],
    [
      'ECR replication change, a Region not watched',
      'ecr-put-replication-configuration.json',
      'ap-south-1',
      0,
    ],
    ['IAM call on the replication role', 'iam-delete-role.json', 'us-east-1', 1],
    ['service-linked role created', 'iam-create-service-linked-role.json', 'us-east-1', 1],
    ['Region opt-in change', 'account-region-opt-in.json', 'us-east-1', 1],
    ['an unrelated ECR call', 'ecr-create-repository.json', 'eu-west-1', 0],
    ['an unrelated IAM role', 'iam-create-role-other.json', 'us-east-1', 0],
  ])('delivers a member account’s %s to the event function %d time(s)', (_name, file, region, expected) => {
    expect(deliveriesFromMember(from(file, MEMBER, region))).toBe(expected);
  });

  it.each([
    ['ECR replication change, us-east-1', 'ecr-put-replication-configuration.json', 'us-east-1'],
    ['ECR replication change, eu-west-1', 'ecr-put-replication-configuration.json', 'eu-west-1'],
    ['IAM call on the replication role', 'iam-delete-role.json', 'us-east-1'],
    ['Region opt-in change', 'account-region-opt-in.json', 'us-east-1'],
  ])('delivers the hub account’s %s once: its member stacks forward nothing', (_name, file, region) => {
    const event = from(file, ACCOUNT, region);
    expect(deliveriesFromMember(event)).toBe(0);
    expect(deliveriesToEventFunction(hubRules, 'us-east-1', event)).toBe(1);
  });

  it('delivers the management account’s events like any member’s', () => {
    const event = from('iam-delete-role.json', '999999999999', 'us-east-1');
    expect(deliveriesFromMember(event)).toBe(1);
  });
});
