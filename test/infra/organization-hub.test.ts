import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, type AssetStaging, type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/settings.js';
import { bundleHandler, ESM_REQUIRE_BANNER, HANDLER_ENTRIES } from '../../infra/bundling.js';
import { EcrReplicationRoleReconciler } from '../../infra/ecr-replication-role-reconciler.js';
import { FUNCTION_TIMEOUT } from '../../infra/hub-functions.js';
import { ACCOUNT_MAX_RECEIVE_COUNT } from '../../infra/hub-queues.js';
import { lambdaBundleDir } from '../../infra/lambda-bundles.js';
import { MEMBER_STACK_SET_NAME } from '../../infra/member-stack-set.js';
import { TEMPLATE_BODY_MAX_BYTES } from '../../infra/member-template.js';
import type { OrganizationProps } from '../../infra/organization-props.js';
import { ACCOUNT, iamWriteGrants, partitionArn, policyStatements, type Statement } from './templates.js';

const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:reconciler/slack-webhook-AbC123`;
const LIST_ROLE = 'arn:aws:iam::111111111111:role/org-account-lister';
const SECURITY_ROLE = 'arn:aws:iam::222222222222:role/security-audit';

/** A hub in organization mode, checked with cdk-nag. */
function organizationHub(organization: Partial<OrganizationProps> = {}, slack = true) {
  const app = new App();
  const stack = new Stack(app, 'Hub', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const reconciler = new EcrReplicationRoleReconciler(stack, 'Reconciler', {
    regions: ['us-east-1', 'eu-west-1'],
    ...(slack ? { slackWebhookSecretArn: SECRET_ARN } : {}),
    organization: {
      organizationId: ORGANIZATION_ID,
      targetOrganizationalUnitIds: ['ou-ab12-cdefgh12', 'ou-ab12-ijklmn34'],
      ...organization,
    },
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const template = Template.fromStack(stack);
  const id = (construct: IConstruct) =>
    stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
  const statementsOf = (logicalId: string) =>
    policyStatements(template)
      .filter((found) => found.logicalId === logicalId)
      .map((found) => found.statement);
  const policyOf = (fn: { role?: IConstruct | undefined }) => {
    const policies = Object.keys(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: id(fn.role as IConstruct) }] },
      }),
    );
    expect(policies).toHaveLength(1);
    return statementsOf(policies[0] as string);
  };
  return { app, stack, reconciler, template, id, statementsOf, policyOf };
}

const hub = organizationHub();
const { reconciler, template, id } = hub;
const sweep = reconciler.sweepFunction as NonNullable<typeof reconciler.sweepFunction>;
const accountQueue = reconciler.accountQueue as NonNullable<typeof reconciler.accountQueue>;
const accountDeadLetters = reconciler.deadLetterQueues.accounts as NonNullable<
  typeof reconciler.deadLetterQueues.accounts
>;
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
const ref = (construct: IConstruct) => ({ Ref: id(construct) });
const bySid = (a: Statement, b: Statement) => (a.Sid ?? '').localeCompare(b.Sid ?? '');
const sidsOf = (statements: Statement[]) => statements.map((statement) => statement.Sid).sort();

const READ_MEMBER_ACCOUNTS: Statement = {
  Sid: 'ReadMemberAccounts',
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Resource: partitionArn(':iam::*:role/ecr-replication-role-reconciler-read'),
  Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } },
};
const keepAccountRegister = (): Statement => ({
  Sid: 'KeepAccountRegister',
  Effect: 'Allow',
  Action: 'dynamodb:UpdateItem',
  Resource: arnOf(reconciler.alertTable),
});
/** The statements both reconciling functions had before organization mode (pinned by the construct's own test). */
const RECONCILE_SIDS = [
  'DecryptSlackWebhook',
  'EncryptAlerts',
  'FollowRoleDeletion',
  'KeepAlertState',
  'PublishAlerts',
  'ReadRegionOptInStatus',
  'ReadReplicationConfiguration',
  'ReadReplicationRole',
  'ReadSlackWebhook',
  'WriteOwnLogs',
];

describe('organization mode: the functions', () => {
  it('adds the sweep to the two functions, with fixed role names the member read roles can trust', () => {
    const roles = [reconciler.eventFunction, reconciler.recheckFunction, sweep].map(
      (fn) => hub.template.toJSON().Resources[id(fn.role as IConstruct)].Properties.RoleName,
    );
    expect(roles).toEqual([
      'ecr-replication-role-reconciler-event-us-east-1',
      'ecr-replication-role-reconciler-recheck-us-east-1',
      'ecr-replication-role-reconciler-sweep-us-east-1',
    ]);
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  it('runs the sweep from its own bundle, on the house defaults, retried twice within the hour', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: FUNCTION_TIMEOUT.toSeconds(),
      Role: arnOf(sweep.role as IConstruct),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(sweep),
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
    });
  });

  it('deploys the sweep bundle that BUNDLE_OPTIONS makes of functions/handlers/sweep.ts (else: npm run build)', async () => {
    expect(HANDLER_ENTRIES.sweep).toMatch(/functions\/handlers\/sweep\.ts$/);
    const staging = sweep.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    expect(staging.sourcePath).toBe(lambdaBundleDir('sweep'));
    expect(readdirSync(staging.absoluteStagedPath).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const deployed = readFileSync(join(staging.absoluteStagedPath, 'index.mjs'), 'utf8');
    expect(deployed.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(deployed).toMatch(/export\s*\{[^}]*\bas handler\b/);
    const dir = mkdtempSync(join(tmpdir(), 'reconciler-sweep-'));
    try {
      await bundleHandler('sweep', join(dir, 'index.mjs'), 'silent');
      expect(
        deployed === readFileSync(join(dir, 'index.mjs'), 'utf8'),
        'dist/lambda/sweep/index.mjs is not what BUNDLE_OPTIONS builds from the sources: run `npm run build`',
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells the event and recheck functions the read role’s name, and the sweep only what it reads', () => {
    const variables = (fn: IConstruct) =>
      template.toJSON().Resources[id(fn)].Properties.Environment.Variables as Record<string, unknown>;
    expect(variables(reconciler.eventFunction)).toMatchObject({
      [ENV.memberReadRoleName]: 'ecr-replication-role-reconciler-read',
    });
    expect(variables(reconciler.recheckFunction)).toMatchObject({
      [ENV.memberReadRoleName]: 'ecr-replication-role-reconciler-read',
    });
    expect(variables(sweep)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'ecr-replication-role-reconciler',
      POWERTOOLS_METRICS_NAMESPACE: 'EcrReplicationRoleReconciler',
      [ENV.alertTableName]: ref(reconciler.alertTable),
      [ENV.accountQueueUrl]: ref(accountQueue),
    });
    const withListRole = organizationHub({ managementAccountListRoleArn: LIST_ROLE });
    const sweepOf = withListRole.reconciler.sweepFunction as IConstruct;
    expect(
      withListRole.template.toJSON().Resources[withListRole.id(sweepOf)].Properties.Environment.Variables,
    ).toMatchObject({ [ENV.organizationListRoleArn]: LIST_ROLE });
  });

  it('lets the event function assume the read role in the organization only, and keep the register', () => {
    const statements = hub.policyOf(reconciler.eventFunction);
    expect(
      statements.filter((s) => ['ReadMemberAccounts', 'KeepAccountRegister'].includes(s.Sid ?? '')),
    ).toEqual([READ_MEMBER_ACCOUNTS, keepAccountRegister()]);
    expect(sidsOf(statements)).toEqual(
      [
        ...RECONCILE_SIDS,
        'KeepAccountRegister',
        'ReadMemberAccounts',
        'ReportFailedEvents',
        'ScheduleRecheck',
      ].sort(),
    );
  });

  it('lets the recheck function read members, keep the register, and consume the account queue', () => {
    const statements = hub.policyOf(reconciler.recheckFunction);
    const added = statements.filter((s) =>
      ['ReadMemberAccounts', 'KeepAccountRegister', 'ConsumeAccounts'].includes(s.Sid ?? ''),
    );
    expect(added.sort(bySid)).toEqual(
      [
        READ_MEMBER_ACCOUNTS,
        keepAccountRegister(),
        {
          Sid: 'ConsumeAccounts',
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: arnOf(accountQueue),
        } satisfies Statement,
      ].sort(bySid),
    );
    expect(sidsOf(statements)).toEqual(
      [
        ...RECONCILE_SIDS,
        'ConsumeAccounts',
        'ConsumeRechecks',
        'KeepAccountRegister',
        'ReadMemberAccounts',
      ].sort(),
    );
  });

  it('grants the sweep exactly: its logs, the register, ListAccounts and sending to the account queue', () => {
    expect(hub.policyOf(sweep).sort(bySid)).toEqual(
      (<Statement[]>[
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: arnOf(sweep.logGroup),
        },
        {
          Sid: 'ReadAccountRegister',
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: arnOf(reconciler.alertTable),
        },
        {
          Sid: 'ListOrganizationAccounts',
          Effect: 'Allow',
          Action: 'organizations:ListAccounts',
          Resource: '*',
        },
        { Sid: 'QueueAccounts', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(accountQueue) },
      ]).sort(bySid),
    );
  });

  it('with a management account role, lets the sweep assume that one role instead of listing itself', () => {
    const other = organizationHub({ managementAccountListRoleArn: LIST_ROLE });
    const statements = other.policyOf(other.reconciler.sweepFunction as IConstruct as { role?: IConstruct });
    expect(statements.filter((s) => /Organization/.test(s.Sid ?? ''))).toEqual([
      { Sid: 'AssumeOrganizationListRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: LIST_ROLE },
    ]);
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('organizations:ListAccounts');
  });

  it('assumes a custom read role name, in the organization only', () => {
    const other = organizationHub({ readRoleName: 'audit-ecr-reader' });
    expect(
      other.policyOf(other.reconciler.eventFunction).find((s) => s.Sid === 'ReadMemberAccounts')?.Resource,
    ).toEqual(partitionArn(':iam::*:role/audit-ecr-reader'));
  });
});

describe('organization mode: the sweep and the account queue', () => {
  it('runs the sweep on the schedule, not the event function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        {
          Arn: arnOf(sweep),
          Id: 'Target0',
          DeadLetterConfig: { Arn: arnOf(reconciler.deadLetterQueues.ruleTargets) },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        },
      ],
    });
  });

  it('feeds the recheck function one account at a time, at most accountConcurrency at once', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(accountQueue),
      FunctionName: ref(reconciler.recheckFunction),
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    const other = organizationHub({ accountConcurrency: 250 });
    other.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [other.id(other.reconciler.accountQueue as IConstruct), 'Arn'] },
      ScalingConfig: { MaximumConcurrency: 250 },
    });
  });

  it('keeps the account queue encrypted, over TLS, with a dead-letter queue after three receives', () => {
    expect(ACCOUNT_MAX_RECEIVE_COUNT).toBe(3);
    const resources = template.toJSON().Resources;
    expect(resources[id(accountQueue)].Properties).toEqual({
      MessageRetentionPeriod: 86400,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * FUNCTION_TIMEOUT.toSeconds(),
      RedrivePolicy: { deadLetterTargetArn: arnOf(accountDeadLetters), maxReceiveCount: 3 },
    });
    expect(resources[id(accountDeadLetters)].Properties).toEqual({
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
    for (const queue of [accountQueue, accountDeadLetters]) {
      const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find(
        (found) => JSON.stringify(found.Properties.Queues) === JSON.stringify([ref(queue)]),
      );
      expect(policy?.Properties.PolicyDocument.Statement).toEqual([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: arnOf(queue),
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    }
  });

  it('alarms on the sweep’s errors and on the account dead letters, to the alert topic', () => {
    const { sweepFunctionErrors, accountDeadLetters: deadLettersAlarm } = reconciler.alarms;
    const resources = template.toJSON().Resources;
    expect(resources[id(sweepFunctionErrors as IConstruct)].Properties).toMatchObject({
      AlarmActions: [ref(reconciler.alertTopic)],
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(sweep) }],
      Threshold: 1,
    });
    expect(resources[id(deadLettersAlarm as IConstruct)].Properties).toMatchObject({
      AlarmActions: [ref(reconciler.alertTopic)],
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(accountDeadLetters), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
    });
    expect(Object.keys(reconciler.alarms)).toHaveLength(9);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
  });
});

describe('organization mode: the hub bus and its rules', () => {
  it('accepts events from its own account and from the organization, from no one else', () => {
    const policies = template.findResources('AWS::Events::EventBusPolicy');
    const statements = Object.keys(policies).flatMap(hub.statementsOf);
    expect(statements).toEqual([
      {
        Sid: 'cdk-AcceptEventsForwardedFromThisAccount',
        Effect: 'Allow',
        Principal: { AWS: partitionArn(':iam::', ACCOUNT, ':root') },
        Action: 'events:PutEvents',
        Resource: arnOf(reconciler.eventBus),
      },
      {
        Sid: 'cdk-AcceptEventsForwardedFromTheOrganization',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: arnOf(reconciler.eventBus),
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
      },
    ]);
    // One after the other: each rewrites the bus's one policy.
    const [first, second] = Object.keys(policies);
    expect(policies[second as string]?.DependsOn).toEqual([first]);
  });

  it('takes ECR, IAM and Region opt-in events from the member accounts off its bus', () => {
    const onBus = Object.values(template.findResources('AWS::Events::Rule'))
      .filter((rule) => rule.Properties.EventBusName !== undefined)
      .map((rule) => [rule.Properties.EventPattern.source[0], rule.Properties.Targets[0].Arn]);
    expect(onBus).toEqual([
      ['aws.ecr', arnOf(reconciler.eventFunction)],
      ['aws.iam', arnOf(reconciler.eventFunction)],
      ['aws.account', arnOf(reconciler.eventFunction)],
      ['aws.cloudwatch', ref(reconciler.alertTopic)],
    ]);
  });
});

describe('organization mode: the StackSet', () => {
  const stackSet = reconciler.memberStackSet as IConstruct;
  const properties = template.toJSON().Resources[id(stackSet)].Properties;

  it('is service-managed, deploys to the target OUs and to accounts that join them, removes on leaving', () => {
    expect({ ...properties, TemplateBody: undefined, Parameters: undefined }).toEqual({
      StackSetName: MEMBER_STACK_SET_NAME,
      Description: expect.any(String),
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
      },
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdefgh12', 'ou-ab12-ijklmn34'] },
          Regions: ['us-east-1', 'eu-west-1'],
        },
      ],
      TemplateBody: undefined,
      Parameters: undefined,
    });
  });

  it('fills the member template’s parameters from the hub: its bus, account, and function roles', () => {
    expect(properties.Parameters).toEqual([
      { ParameterKey: 'HubEventBusArn', ParameterValue: arnOf(reconciler.eventBus) },
      { ParameterKey: 'HubAccountId', ParameterValue: { Ref: 'AWS::AccountId' } },
      { ParameterKey: 'ReadRoleName', ParameterValue: 'ecr-replication-role-reconciler-read' },
      {
        ParameterKey: 'TrustedPrincipalArns',
        ParameterValue: {
          'Fn::Join': [
            ',',
            [
              arnOf(reconciler.eventFunction.role as IConstruct),
              arnOf(reconciler.recheckFunction.role as IConstruct),
            ],
          ],
        },
      },
      { ParameterKey: 'OrganizationId', ParameterValue: ORGANIZATION_ID },
    ]);
    const other = organizationHub({
      readRoleTrustedPrincipalArns: [SECURITY_ROLE],
      readRoleName: 'audit-reader',
    });
    const otherProperties =
      other.template.toJSON().Resources[other.id(other.reconciler.memberStackSet as IConstruct)].Properties;
    expect(otherProperties.Parameters[2]).toEqual({
      ParameterKey: 'ReadRoleName',
      ParameterValue: 'audit-reader',
    });
    expect(otherProperties.Parameters[3].ParameterValue['Fn::Join'][1][2]).toBe(SECURITY_ROLE);
  });

  it('carries the member template inline, well within the TemplateBody limit, with no asset', () => {
    expect(TEMPLATE_BODY_MAX_BYTES).toBe(51_200);
    const body = properties.TemplateBody as string;
    expect(Buffer.byteLength(body)).toBeLessThan(TEMPLATE_BODY_MAX_BYTES / 2);
    const member = JSON.parse(body);
    expect(Object.keys(member.Parameters)).toEqual([
      'HubEventBusArn',
      'HubAccountId',
      'ReadRoleName',
      'TrustedPrincipalArns',
      'OrganizationId',
    ]);
    expect(body).not.toMatch(/BootstrapVersion|AssetParameters|cdk-hnb659fds|aws:cdk:path/);
  });

  it('deploys the global-events Region too when the member Regions leave it out, and takes SELF', () => {
    const other = organizationHub({ memberRegions: ['eu-west-1', 'ap-southeast-2'], callAs: 'SELF' });
    const otherProperties =
      other.template.toJSON().Resources[other.id(other.reconciler.memberStackSet as IConstruct)].Properties;
    expect(otherProperties.StackInstancesGroup[0].Regions).toEqual([
      'eu-west-1',
      'ap-southeast-2',
      'us-east-1',
    ]);
    expect(otherProperties.CallAs).toBe('SELF');
  });
});

describe('organization mode: least privilege and cdk-nag', () => {
  it('has no IAM write action, and no Allow to anyone outside the organization', () => {
    expect(iamWriteGrants(template)).toEqual([]);
    const open = policyStatements(template).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        (statement.Principal === '*' || JSON.stringify(statement.Principal) === '{"AWS":"*"}'),
    );
    expect(open.map(({ statement }) => statement.Condition)).toEqual([
      { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
    ]);
  });

  it.each([
    ['with Slack, listing with its own credentials', hub],
    [
      'without Slack, through a management account role',
      organizationHub({ managementAccountListRoleArn: LIST_ROLE }, false),
    ],
  ])('passes cdk-nag AwsSolutions %s', (_name, { stack }) => {
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });
});
