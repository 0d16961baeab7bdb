import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/settings.js';
import { EcrReplicationRoleReconciler } from '../../infra/ecr-replication-role-reconciler.js';
import { memberStackName } from '../../infra/management-stacks.js';
import { MemberStack } from '../../infra/member-stack.js';
import { ORGANIZATION_CONTEXT_KEYS } from '../../infra/organization-context.js';
import type { OrganizationProps } from '../../infra/organization-props.js';
import { addReconcilerStacks, HUB_STACK_NAME, readAppSettings } from '../../infra/reconciler-app.js';
import type { EcrReplicationRoleReconcilerProps } from '../../infra/reconciler-props.js';
import { ACCOUNT, iamWriteGrants, type Resources } from './templates.js';

const ORG = { organizationId: 'o-abcdefghij', targetOus: 'ou-ab12-cdefgh12' };

/** The app as `cdk synth -c key=value …` builds it (`infra/app.ts`: the stacks, checked with cdk-nag). */
function synthApp(context: Record<string, string>, env: Record<string, string | undefined> = {}) {
  const app = new App({ context });
  const stacks = addReconcilerStacks(app, readAppSettings(app.node, env));
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  return { app, ...stacks };
}

const resourcesOf = (stack: Stack) => Template.fromStack(stack).toJSON().Resources as Resources;

describe('the CDK app in organization mode: -c organizationId -c targetOus -c regions=us-east-1,eu-west-1', () => {
  const { hub, forwarders, members } = synthApp({ ...ORG, regions: 'us-east-1,eu-west-1' });

  it('synthesizes offline: the hub with its StackSet, the hub account’s forwarder, no management stack', () => {
    expect(hub.stackName).toBe(HUB_STACK_NAME);
    expect(forwarders.map((stack) => stack.region)).toEqual(['eu-west-1']);
    expect(members).toEqual([]);
    const stackSets = Object.values(resourcesOf(hub)).filter(
      (resource) => resource.Type === 'AWS::CloudFormation::StackSet',
    );
    expect(stackSets.map((stackSet) => stackSet.Properties?.StackInstancesGroup)).toEqual([
      [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdefgh12'] },
          Regions: ['us-east-1', 'eu-west-1'],
        },
      ],
    ]);
  });

  it('passes cdk-nag AwsSolutions in every stack, and grants no IAM write', () => {
    for (const stack of [hub, ...forwarders]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(iamWriteGrants(Template.fromStack(stack))).toEqual([]);
    }
  });

  it('keeps every logical id of the single-account hub, and its table, key, topic and queues as they were', () => {
    const single = resourcesOf(synthApp({ regions: 'us-east-1,eu-west-1' }).hub);
    const organization = resourcesOf(hub);
    // The schedule invokes the sweep instead: its permission on the event function is the one resource gone.
    expect(Object.keys(single).filter((logicalId) => !(logicalId in organization))).toEqual([
      expect.stringMatching(/^ReconcilerScheduleRuleAllowEventRule.*EventFunction/),
    ]);
    for (const [logicalId, resource] of Object.entries(single)) {
      if (!(logicalId in organization)) continue;
      expect(organization[logicalId]?.Type, logicalId).toBe(resource.Type);
      if (/^AWS::(DynamoDB::Table|KMS::Key|SNS::Topic|SQS::Queue|Logs::LogGroup)$/.test(resource.Type)) {
        expect(organization[logicalId], logicalId).toEqual(resource);
      }
    }
  });
});

describe('the CDK app in organization mode: every context key', () => {
  const context = {
    ...ORG,
    targetOus: 'ou-ab12-cdefgh12, r-ab12',
    regions: 'us-east-1,eu-west-1',
    account: ACCOUNT,
    memberRegions: 'eu-west-1,ap-southeast-2',
    readRoleName: 'audit-ecr-reader',
    readRoleTrustedArns: 'arn:aws:iam::222222222222:role/security-audit',
    managementListRoleArn: 'arn:aws:iam::999999999999:role/org-account-lister',
    accountConcurrency: '25',
    callAs: 'SELF',
    managementAccount: '999999999999',
  };
  const { hub, members } = synthApp(context);

  it('documents one context key per organization prop', () => {
    expect(ORGANIZATION_CONTEXT_KEYS).toEqual({
      organizationId: 'organizationId',
      targetOrganizationalUnitIds: 'targetOus',
      memberRegions: 'memberRegions',
      readRoleName: 'readRoleName',
      readRoleTrustedPrincipalArns: 'readRoleTrustedArns',
      managementAccountListRoleArn: 'managementListRoleArn',
      accountConcurrency: 'accountConcurrency',
      callAs: 'callAs',
    });
  });

  it('passes each to the hub', () => {
    const template = Template.fromStack(hub);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'SELF',
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdefgh12', 'r-ab12'] },
          Regions: ['eu-west-1', 'ap-southeast-2', 'us-east-1'],
        },
      ],
      Parameters: Match.arrayWith([{ ParameterKey: 'ReadRoleName', ParameterValue: 'audit-ecr-reader' }]),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 25 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [ENV.organizationListRoleArn]: context.managementListRoleArn }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.memberReadRoleName]: 'audit-ecr-reader' }) },
    });
  });

  it('gives the management account the member template as plain stacks, one per member Region', () => {
    expect(members.map((stack) => [stack.stackName, stack.account, stack.region])).toEqual([
      [memberStackName('eu-west-1'), '999999999999', 'eu-west-1'],
      [memberStackName('ap-southeast-2'), '999999999999', 'ap-southeast-2'],
      [memberStackName('us-east-1'), '999999999999', 'us-east-1'],
    ]);
    expect(memberStackName('us-east-1')).toBe('EcrReplicationRoleReconcilerMember-us-east-1');
    for (const stack of members) expect(stack).toBeInstanceOf(MemberStack);
  });

  it('fills their parameters with the hub’s values, written out, so that they deploy with no --parameters', () => {
    const parameters = Template.fromStack(members[0] as Stack).toJSON().Parameters as Record<
      string,
      { Default?: string }
    >;
    expect(
      Object.fromEntries(Object.entries(parameters).map(([key, { Default }]) => [key, Default])),
    ).toEqual({
      HubEventBusArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/ecr-replication-role-reconciler`,
      HubAccountId: ACCOUNT,
      ReadRoleName: 'audit-ecr-reader',
      TrustedPrincipalArns: [
        `arn:aws:iam::${ACCOUNT}:role/ecr-replication-role-reconciler-event-us-east-1`,
        `arn:aws:iam::${ACCOUNT}:role/ecr-replication-role-reconciler-recheck-us-east-1`,
        'arn:aws:iam::222222222222:role/security-audit',
      ].join(','),
      OrganizationId: ORG.organizationId,
    });
    // The names the hub gives its function roles.
    const roleNames = Object.values(resourcesOf(hub))
      .filter((resource) => resource.Type === 'AWS::IAM::Role')
      .map((resource) => resource.Properties?.RoleName)
      .filter(Boolean);
    expect(roleNames).toEqual([
      'ecr-replication-role-reconciler-event-us-east-1',
      'ecr-replication-role-reconciler-recheck-us-east-1',
      'ecr-replication-role-reconciler-sweep-us-east-1',
    ]);
  });

  it('deploys them without the CDK bootstrap and passes cdk-nag there too', () => {
    for (const stack of members) {
      const template = Template.fromStack(stack).toJSON();
      expect(Object.keys(template)).not.toContain('Rules');
      expect(JSON.stringify(template)).not.toMatch(/BootstrapVersion|cdk-hnb659fds/);
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
        [],
      );
      expect(
        Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ).toEqual([]);
    }
  });
});

describe('the CDK app in organization mode: context errors name the key', () => {
  it.each([
    [
      { targetOus: 'ou-ab12-cdefgh12' },
      /^context targetOus is for organization mode: give the organization too/,
    ],
    [{ managementAccount: '999999999999' }, /^context managementAccount is for organization mode/],
    [{ organizationId: 'o-abcdefghij' }, /^context targetOus: give the organizational units/],
    [{ ...ORG, organizationId: 'org-1' }, /^context organizationId must be an organization id .*not "org-1"/],
    [{ ...ORG, targetOus: 'ou-ab12-cdefgh12,sales' }, /^context targetOus must be organizational unit ids/],
    [{ ...ORG, memberRegions: 'eu-west-1,mars-1' }, /^context memberRegions: not a Region name: mars-1/],
    [{ ...ORG, readRoleName: 'a role' }, /^context readRoleName must be an IAM role name/],
    [
      { ...ORG, readRoleTrustedArns: 'arn:aws:iam::1:user/x' },
      /^context readRoleTrustedArns must be IAM role ARNs/,
    ],
    [
      { ...ORG, managementListRoleArn: 'org-lister' },
      /^context managementListRoleArn must be an IAM role ARN/,
    ],
    [{ ...ORG, accountConcurrency: 'many' }, /^context accountConcurrency=many is not a number/],
    [
      { ...ORG, accountConcurrency: '1' },
      /^context accountConcurrency must be a whole number from 2 to 1000, not 1/,
    ],
    [
      { ...ORG, accountConcurrency: '1001' },
      /^context accountConcurrency must be a whole number from 2 to 1000/,
    ],
    [{ ...ORG, callAs: 'ADMIN' }, /^context callAs must be SELF or DELEGATED_ADMIN, not "ADMIN"/],
    [
      { ...ORG, managementAccount: '9999' },
      /^context managementAccount=9999 is not a 12-digit AWS account id/,
    ],
    [
      { ...ORG, managementAccount: '999999999999' },
      /^context managementAccount: the member stacks name the hub/,
    ],
  ])('refuses %j', (context, error) => {
    expect(() => synthApp(context)).toThrow(error);
  });
});

describe('EcrReplicationRoleReconciler organization props: errors name the prop', () => {
  const reconcilerWith = (
    organization: Partial<OrganizationProps>,
    props: Partial<EcrReplicationRoleReconcilerProps> = {},
  ) => {
    const stack = new Stack(new App(), 'Hub', { env: { account: ACCOUNT, region: 'us-east-1' } });
    return new EcrReplicationRoleReconciler(stack, 'Reconciler', {
      regions: ['us-east-1'],
      ...props,
      organization: {
        organizationId: 'o-abcdefghij',
        targetOrganizationalUnitIds: ['ou-ab12-cdefgh12'],
        ...organization,
      },
    });
  };

  it.each([
    [{ organizationId: 'o-ABC' }, /organization\.organizationId must be an organization id/],
    [
      { targetOrganizationalUnitIds: [] },
      /organization\.targetOrganizationalUnitIds must be organizational unit ids/,
    ],
    [{ targetOrganizationalUnitIds: ['ou-1-2'] }, /organization\.targetOrganizationalUnitIds must be/],
    [{ memberRegions: ['eu-west-1', 'Frankfurt'] }, /organization\.memberRegions must be Region codes/],
    [
      { memberRegions: ['cn-north-1'] },
      /organization\.memberRegions cn-north-1 are not in the hub's partition \(aws\)/,
    ],
    [{ readRoleName: 'x'.repeat(65) }, /organization\.readRoleName must be an IAM role name/],
    [
      { readRoleTrustedPrincipalArns: ['arn:aws:iam::123:role/x'] },
      /organization\.readRoleTrustedPrincipalArns must be/,
    ],
    [
      { managementAccountListRoleArn: 'arn:aws:s3:::bucket' },
      /organization\.managementAccountListRoleArn must be/,
    ],
    [
      { accountConcurrency: 1.5 },
      /organization\.accountConcurrency must be a whole number from 2 to 1000, not 1\.5/,
    ],
    [{ callAs: 'ROOT' as 'SELF' }, /organization\.callAs must be SELF or DELEGATED_ADMIN/],
  ])('refuses %j, naming the prop', (organization, error) => {
    expect(() => reconcilerWith(organization)).toThrow(error);
    expect(() => reconcilerWith(organization)).toThrow(/^EcrReplicationRoleReconciler: /);
  });

  it('accepts the root, and each value once, trimmed', () => {
    const reconciler = reconcilerWith({ targetOrganizationalUnitIds: ['r-ab12', ' r-ab12 '] });
    Template.fromStack(Stack.of(reconciler)).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [Match.objectLike({ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] } })],
    });
  });

  it('refuses cross-Region member Regions outside the commercial partition', () => {
    const stack = new Stack(new App(), 'Hub', { env: { account: ACCOUNT, region: 'us-gov-west-1' } });
    expect(
      () =>
        new EcrReplicationRoleReconciler(stack, 'Reconciler', {
          regions: ['us-gov-west-1', 'us-gov-east-1'],
          organization: { organizationId: 'o-abcdefghij', targetOrganizationalUnitIds: ['ou-ab12-cdefgh12'] },
        }),
    ).toThrow(/cross-Region event bus targets are only available in commercial Regions, not in aws-us-gov/);
  });
});
