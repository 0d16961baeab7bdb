import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, type AssetStaging, type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SLACK_DEFAULTS } from '../../functions/adapters/slack/delivery.js';
import { FINDING_CODES } from '../../functions/core/constants.js';
import { ALERT_TABLE_KEY, ALERT_TABLE_TTL_ATTRIBUTE, ENV } from '../../functions/settings.js';
import { bundleHandler, ESM_REQUIRE_BANNER, HANDLER_ENTRIES, NODE_TARGET } from '../../infra/bundling.js';
import { EcrReplicationRoleReconciler } from '../../infra/ecr-replication-role-reconciler.js';
import { FORWARDER_ALARM_PREFIX } from '../../infra/forwarder-stack.js';
import { FUNCTION_TIMEOUT } from '../../infra/hub-functions.js';
// The names the package's `./cdk` entry gives users of the construct.
import {
  ALERTS_UNDELIVERED_METRIC,
  DEFAULT_EVENT_CONCURRENCY,
  HUB_EVENT_BUS_NAME,
  METRIC_NAMESPACE,
  SERVICE_NAME,
} from '../../infra/index.js';
import { LAMBDA_BUNDLE_FILE, lambdaBundleDir } from '../../infra/lambda-bundles.js';
import { HUB_STACK_NAME } from '../../infra/reconciler-app.js';
import { matchesEventPattern } from '../support/event-pattern.js';
import {
  ACCOUNT,
  alarmStateChange,
  iamWriteGrants,
  partitionArn,
  policyStatements,
  resolvedPattern,
  type Statement,
} from './templates.js';

// One synth for the whole file. The functions deploy the bundles `npm run build` wrote in dist/lambda/.
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:reconciler/slack-webhook-AbC123`;
const app = new App();
const stack = new Stack(app, 'Hub', { env: { account: ACCOUNT, region: 'us-east-1' } });
const reconciler = new EcrReplicationRoleReconciler(stack, 'Reconciler', {
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  alertEmail: 'platform@example.com',
  slackWebhookSecretArn: SECRET_ARN,
  reminderHours: 24,
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, never> }
>;

const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ref = (construct: IConstruct) => ({ Ref: id(construct) });
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
const bySid = (a: Statement, b: Statement) => (a.Sid ?? '').localeCompare(b.Sid ?? '');
const statementsOf = (logicalId: string) =>
  policyStatements(template)
    .filter((found) => found.logicalId === logicalId)
    .map((found) => found.statement);
const defaultPolicyOf = (fn: { role?: IConstruct | undefined }) => {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: id(fn.role as IConstruct) }] },
  });
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.keys(policies)[0] as string;
};

const SLR_ARN = partitionArn(
  ':iam::<Account>:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication',
);
const readStatements = (fn: { logGroup: IConstruct }): Statement[] => [
  {
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: arnOf(fn.logGroup),
  },
  { Sid: 'ReadReplicationConfiguration', Effect: 'Allow', Action: 'ecr:DescribeRegistry', Resource: '*' },
  {
    Sid: 'ReadReplicationRole',
    Effect: 'Allow',
    Action: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    Resource: [
      SLR_ARN,
      partitionArn(':iam::<Account>:role/AWSServiceRoleForECRReplication'),
      partitionArn(':iam::<Account>:role/*/AWSServiceRoleForECRReplication'),
    ],
  },
  {
    Sid: 'ReadRegionOptInStatus',
    Effect: 'Allow',
    Action: 'account:ListRegions',
    Resource: partitionArn(':account::<Account>:account'),
  },
  {
    Sid: 'FollowRoleDeletion',
    Effect: 'Allow',
    Action: 'iam:GetServiceLinkedRoleDeletionStatus',
    Resource: SLR_ARN,
  },
  { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: ref(reconciler.alertTopic) },
  {
    Sid: 'EncryptAlerts',
    Effect: 'Allow',
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: arnOf(reconciler.alertKey),
  },
  {
    Sid: 'KeepAlertState',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
    Resource: arnOf(reconciler.alertTable),
  },
  { Sid: 'ReadSlackWebhook', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET_ARN },
  {
    Sid: 'DecryptSlackWebhook',
    Effect: 'Allow',
    Action: 'kms:Decrypt',
    Resource: '*',
    Condition: {
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
      },
      StringLike: { 'kms:EncryptionContext:SecretARN': SECRET_ARN },
    },
  },
];
/** The hub-bus rule that announces the forwarders' dead-letter alarms on the topic. */
const forwarderAlarmRule = reconciler.node.findChild('ForwarderAlarmRule');
/** The role through which that rule publishes (the topic and its key stay closed to the EventBridge service). */
const alarmPublisher = reconciler.node.findChild('ForwarderAlarmPublisherRole');

describe('EcrReplicationRoleReconciler: resources', () => {
  it('creates exactly the expected resources', () => {
    const counts: Record<string, number> = {
      'AWS::Lambda::Function': 2,
      'AWS::Lambda::Permission': 5,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Lambda::EventSourceMapping': 1,
      'AWS::Logs::LogGroup': 2,
      'AWS::IAM::Role': 3,
      'AWS::IAM::Policy': 3,
      'AWS::Events::Rule': 6,
      'AWS::Events::EventBus': 1,
      'AWS::Events::EventBusPolicy': 1,
      'AWS::SQS::Queue': 4,
      'AWS::SQS::QueuePolicy': 4,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SNS::Subscription': 1,
      'AWS::KMS::Key': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::CloudWatch::Alarm': 7,
    };
    const actual: Record<string, number> = {};
    for (const { Type } of Object.values(resources)) actual[Type] = (actual[Type] ?? 0) + 1;
    expect(actual).toEqual(counts);
  });

  it('runs both functions on Node.js 24, arm64, 512 MB, with their own log groups', () => {
    // The bundles are built for the runtime's Node.js line.
    expect(NODE_TARGET).toBe('node24');
    for (const fn of [reconciler.eventFunction, reconciler.recheckFunction]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: FUNCTION_TIMEOUT.toSeconds(),
        Role: arnOf(fn.role as IConstruct),
        LoggingConfig: { LogGroup: ref(fn.logGroup) },
      });
      expect(resources[id(fn.logGroup)]?.Properties).toEqual({ RetentionInDays: 90 });
      expect(resources[id(fn)]?.Properties).not.toHaveProperty('FunctionName');
      template.hasResource('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('gives each function the time to read and then send one Slack alert per finding code in its budget', () => {
    // 20 s of reads, then the sends one after another, and a 10 s margin: 120 s with six finding codes.
    const worstCase = 20 + (FINDING_CODES.length * SLACK_DEFAULTS.budgetMs) / 1000;
    for (const fn of [reconciler.eventFunction, reconciler.recheckFunction]) {
      const timeout = resources[id(fn)]?.Properties.Timeout as unknown as number;
      expect(timeout).toBeGreaterThanOrEqual(worstCase + 10);
      expect(timeout).toBeLessThanOrEqual(900);
    }
    // Lambda's advice for an SQS event source: a visibility timeout of at least six function timeouts.
    expect(resources[id(reconciler.graceQueue)]?.Properties.VisibilityTimeout).toBe(
      6 * (resources[id(reconciler.recheckFunction)]?.Properties.Timeout as unknown as number),
    );
  });

  it('reserves 5 concurrent executions for the event function, none for the recheck function', () => {
    expect(DEFAULT_EVENT_CONCURRENCY).toBe(5);
    expect(resources[id(reconciler.eventFunction)]?.Properties.ReservedConcurrentExecutions).toBe(5);
    expect(resources[id(reconciler.recheckFunction)]?.Properties).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
  });

  it('makes each function depend on its role’s policy only, not on the role it already references', () => {
    const all = template.toJSON().Resources as Record<string, { Type: string; DependsOn?: unknown }>;
    const functions = Object.entries(all).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.map(([logicalId]) => logicalId).sort()).toEqual(
      [id(reconciler.eventFunction), id(reconciler.recheckFunction)].sort(),
    );
    for (const fn of [reconciler.eventFunction, reconciler.recheckFunction]) {
      expect(all[id(fn)]?.DependsOn).toEqual([defaultPolicyOf(fn)]);
      expect(all[id(fn)]?.DependsOn).not.toContain(id(fn.role as IConstruct));
    }
  });

  it('gives each function exactly the environment the handlers read', () => {
    const common = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      [ENV.regions]: 'us-east-1,eu-west-1,ap-southeast-2',
      [ENV.alertTopicArn]: ref(reconciler.alertTopic),
      [ENV.alertTableName]: ref(reconciler.alertTable),
      [ENV.slackWebhookSecretArn]: SECRET_ARN,
      [ENV.reminderHours]: '24',
    };
    expect(resources[id(reconciler.eventFunction)]?.Properties.Environment).toEqual({
      Variables: { ...common, [ENV.graceQueueUrl]: ref(reconciler.graceQueue), [ENV.graceSeconds]: '120' },
    });
    expect(resources[id(reconciler.recheckFunction)]?.Properties.Environment).toEqual({ Variables: common });
  });

  it('deploys each function from its prebuilt bundle folder, dist/lambda/<name>, holding only the bundle', () => {
    expect(HANDLER_ENTRIES.event).toMatch(/functions\/handlers\/event\.ts$/);
    expect(HANDLER_ENTRIES.recheck).toMatch(/functions\/handlers\/recheck\.ts$/);
    for (const [name, fn] of [
      ['event', reconciler.eventFunction],
      ['recheck', reconciler.recheckFunction],
    ] as const) {
      const staging = fn.node.findChild('Code').node.findChild('Stage') as AssetStaging;
      expect(staging.sourcePath).toBe(lambdaBundleDir(name));
      expect(lambdaBundleDir(name)).toMatch(new RegExp(`/dist/lambda/${name}$`));
      expect(readdirSync(staging.absoluteStagedPath).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const code = resources[id(fn)]?.Properties.Code as unknown as Record<string, unknown>;
      expect(code).toEqual({
        S3Bucket: expect.anything(),
        S3Key: `${staging.assetHash}.zip`,
      });
    }
  });

  it('deploys bundles that are minified ESM with a require shim, a source map and their own AWS SDK', () => {
    for (const name of ['event', 'recheck'] as const) {
      const code = readFileSync(join(lambdaBundleDir(name), LAMBDA_BUNDLE_FILE), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // The SDK is inside the bundle: no import of @aws-sdk is left for the runtime to resolve.
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).not.toMatch(/import\(\s*["']@aws-sdk\//);
      expect(code).toContain('DescribeRegistry');
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b/);
      // Minified: what line breaks are left are inside template literals.
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    }
  });

  it('deploys exactly what BUNDLE_OPTIONS makes of the sources (else: run `npm run build`)', async () => {
    // `npm run build` (buildLambdaBundles) wrote dist/lambda/: the functions deploy what BUNDLE_OPTIONS builds from
    // today's sources, and nothing is added to it, so that measurements (npm run bench) see the deployed bundle.
    const dir = mkdtempSync(join(tmpdir(), 'reconciler-bundle-'));
    try {
      for (const [name, fn] of [
        ['event', reconciler.eventFunction],
        ['recheck', reconciler.recheckFunction],
      ] as const) {
        const outfile = join(dir, name, 'index.mjs');
        await bundleHandler(name, outfile, 'silent');
        const staging = fn.node.findChild('Code').node.findChild('Stage') as AssetStaging;
        expect(
          readFileSync(join(staging.absoluteStagedPath, 'index.mjs'), 'utf8') ===
            readFileSync(outfile, 'utf8'),
          `dist/lambda/${name}/index.mjs is not what BUNDLE_OPTIONS builds from the sources: run \`npm run build\``,
        ).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys the table the way the alert store reads it', () => {
    expect(ALERT_TABLE_KEY).toEqual({ partitionKey: 'pk', sortKey: 'sk' });
    expect(ALERT_TABLE_TTL_ATTRIBUTE).toBe('expiresAt');
  });

  it('keeps alert state in an on-demand, encrypted table with PITR and TTL', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });

  it('sends alerts to a KMS-encrypted topic with an email subscription', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(reconciler.alertKey) });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform@example.com',
      TopicArn: ref(reconciler.alertTopic),
    });
  });

  it('encrypts every queue, keeps dead letters 14 days and redrives failed re-checks after 5 receives', () => {
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const { ruleTargets, eventFunctionFailures, recheck } = reconciler.deadLetterQueues;
    for (const queue of [ruleTargets, eventFunctionFailures, recheck]) {
      expect(resources[id(queue)]?.Properties).toEqual({
        MessageRetentionPeriod: 1209600,
        SqsManagedSseEnabled: true,
      });
    }
    expect(resources[id(reconciler.graceQueue)]?.Properties).toEqual({
      MessageRetentionPeriod: 345600,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * FUNCTION_TIMEOUT.toSeconds(),
      RedrivePolicy: { deadLetterTargetArn: arnOf(recheck), maxReceiveCount: 5 },
    });
  });

  it('consumes the grace queue one message at a time, reporting item failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(reconciler.graceQueue),
      FunctionName: ref(reconciler.recheckFunction),
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('sends events the event function failed on to its on-failure queue after 2 retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(reconciler.eventFunction),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: arnOf(reconciler.deadLetterQueues.eventFunctionFailures) },
      },
    });
  });
});

describe('EcrReplicationRoleReconciler: rules', () => {
  const rules = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Events::Rule');
  const target = {
    Arn: arnOf(reconciler.eventFunction),
    Id: 'Target0',
    DeadLetterConfig: { Arn: arnOf(reconciler.deadLetterQueues.ruleTargets) },
    RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
  };

  const toEventFunction = rules.filter(([ruleId]) => ruleId !== id(forwarderAlarmRule));

  it('targets the event function from every rule but the forwarder alarm rule, with a DLQ and a retry policy', () => {
    expect(rules.map(([ruleId]) => ruleId)).toContain(id(forwarderAlarmRule));
    expect(toEventFunction).toHaveLength(5);
    for (const [, rule] of toEventFunction) expect(rule.Properties.Targets).toEqual([target]);
  });

  it('runs every hour by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
    });
  });

  it('watches the hub Region’s ECR, IAM and Region opt-in events on the default bus', () => {
    const onDefaultBus = rules.filter(([, rule]) => rule.Properties.EventBusName === undefined);
    expect(
      onDefaultBus.map(([, rule]) => rule.Properties.EventPattern ?? rule.Properties.ScheduleExpression),
    ).toEqual([
      'rate(1 hour)',
      {
        source: ['aws.ecr'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['ecr.amazonaws.com'], eventName: ['PutReplicationConfiguration'] },
      },
      {
        source: ['aws.iam'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['iam.amazonaws.com'],
          eventName: [
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
          ],
          $or: [
            {
              requestParameters: { roleName: [{ 'equals-ignore-case': 'AWSServiceRoleForECRReplication' }] },
            },
            {
              requestParameters: {
                aWSServiceName: [{ 'equals-ignore-case': 'replication.ecr.amazonaws.com' }],
              },
            },
            {
              requestParameters: {
                awsServiceName: [{ 'equals-ignore-case': 'replication.ecr.amazonaws.com' }],
              },
            },
          ],
        },
      },
      { source: ['aws.account'], 'detail-type': ['Region Opt-In Status Change'] },
    ]);
  });

  it('watches ECR events and forwarder alarms forwarded from the other Regions on the hub bus', () => {
    const onHubBus = rules.filter(([, rule]) => rule.Properties.EventBusName !== undefined);
    expect(onHubBus.map(([, rule]) => rule.Properties)).toEqual([
      expect.objectContaining({
        EventBusName: ref(reconciler.eventBus),
        EventPattern: {
          source: ['aws.ecr'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['ecr.amazonaws.com'], eventName: ['PutReplicationConfiguration'] },
        },
      }),
      expect.objectContaining({
        EventBusName: ref(reconciler.eventBus),
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: {
            alarmName: [{ prefix: 'EcrReplicationRoleReconciler-ForwarderDeadLetters' }],
            state: { value: ['ALARM'] },
          },
        },
      }),
    ]);
  });

  it('announces the forwarders’ dead-letter alarms on the topic, from the hub bus, on no other target', () => {
    expect(FORWARDER_ALARM_PREFIX).toBe('EcrReplicationRoleReconciler-ForwarderDeadLetters');
    expect(reconciler.rules).toContain(forwarderAlarmRule);
    expect(resources[id(forwarderAlarmRule)]).toEqual({
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'Announces the dead-letter alarms of the forwarders in the other Regions',
        EventBusName: ref(reconciler.eventBus),
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: [{ prefix: FORWARDER_ALARM_PREFIX }], state: { value: ['ALARM'] } },
        },
        State: 'ENABLED',
        Targets: [
          {
            Arn: ref(reconciler.alertTopic),
            Id: 'Target0',
            RoleArn: arnOf(alarmPublisher),
            DeadLetterConfig: { Arn: arnOf(reconciler.deadLetterQueues.ruleTargets) },
            RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 10 },
          },
        ],
      },
    });
  });

  it('matches a forwarder alarm going into ALARM, and not back to OK nor another alarm', () => {
    const pattern = resolvedPattern(stack, id(forwarderAlarmRule));
    const name = `${FORWARDER_ALARM_PREFIX}-eu-west-1`;
    // Forwarded events keep their Region: the alarm's, not the hub's.
    expect(matchesEventPattern(pattern, alarmStateChange(name, 'eu-west-1', 'ALARM'))).toBe(true);
    expect(matchesEventPattern(pattern, alarmStateChange(name, 'eu-west-1', 'OK'))).toBe(false);
    expect(matchesEventPattern(pattern, alarmStateChange(name, 'eu-west-1', 'INSUFFICIENT_DATA'))).toBe(
      false,
    );
    for (const other of [
      'ServerCpuTooHigh',
      'ForwarderDeadLetters-eu-west-1',
      'ecrreplicationrolereconciler-forwarderdeadletters-eu-west-1',
    ]) {
      expect(matchesEventPattern(pattern, alarmStateChange(other, 'eu-west-1', 'ALARM'))).toBe(false);
    }
    // The hub's own alarms (named by CloudFormation: stack, logical id, suffix) notify the topic directly.
    for (const hubAlarm of Object.values(reconciler.alarms)) {
      const generatedName = `${HUB_STACK_NAME}-${id(hubAlarm)}-1A2B3C4D5E6F`;
      expect(matchesEventPattern(pattern, alarmStateChange(generatedName, 'us-east-1', 'ALARM'))).toBe(false);
    }
    expect(
      matchesEventPattern(pattern, {
        ...alarmStateChange(name, 'eu-west-1', 'ALARM'),
        source: 'custom.cloudwatch',
      }),
    ).toBe(false);
  });

  it('names the hub bus so that forwarders can build its ARN', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: HUB_EVENT_BUS_NAME });
  });

  it('lets only the EventBridge rules of this stack that target it invoke the event function', () => {
    const permissions = Object.values(resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Permission',
    );
    expect(permissions.map((permission) => permission.Properties)).toEqual(
      toEventFunction.map(([ruleId]) => ({
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(reconciler.eventFunction),
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      })),
    );
  });
});

describe('EcrReplicationRoleReconciler: alarms', () => {
  const alarm = (construct: IConstruct) => resources[id(construct)]?.Properties;
  const common = {
    AlarmActions: [ref(reconciler.alertTopic)],
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 1,
    Threshold: 1,
  };

  it('alarms on errors of both functions', () => {
    for (const [construct, fn] of [
      [reconciler.alarms.eventFunctionErrors, reconciler.eventFunction],
      [reconciler.alarms.recheckFunctionErrors, reconciler.recheckFunction],
    ] as const) {
      expect(alarm(construct)).toMatchObject({
        ...common,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }],
        Statistic: 'Sum',
        Period: 300,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on the depth of every dead-letter queue', () => {
    const { ruleTargets, eventFunctionFailures, recheck } = reconciler.deadLetterQueues;
    for (const [construct, queue] of [
      [reconciler.alarms.ruleTargetDeadLetters, ruleTargets],
      [reconciler.alarms.eventFunctionFailures, eventFunctionFailures],
      [reconciler.alarms.recheckDeadLetters, recheck],
    ] as const) {
      expect(alarm(construct)).toMatchObject({
        ...common,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(queue), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
      });
    }
  });

  it('alarms while a high finding is open, keeping its state when no reconcile reports', () => {
    expect(alarm(reconciler.alarms.openHighFindings)).toMatchObject({
      ...common,
      Namespace: 'EcrReplicationRoleReconciler',
      MetricName: 'OpenHighFindings',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      Statistic: 'Maximum',
      Period: 3600,
      TreatMissingData: 'ignore',
    });
  });

  it('alarms when an alert channel did not deliver an alert', () => {
    expect(ALERTS_UNDELIVERED_METRIC).toBe('AlertsUndelivered');
    expect(alarm(reconciler.alarms.undeliveredAlerts)).toEqual({
      ...common,
      AlarmDescription:
        'An alert channel (SNS or Slack) did not deliver an alert; it is retried until it does',
      Namespace: 'EcrReplicationRoleReconciler',
      MetricName: 'AlertsUndelivered',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 300,
      TreatMissingData: 'notBreaching',
    });
  });

  it('exposes seven alarms, all notifying the topic', () => {
    expect(Object.keys(reconciler.alarms).sort()).toEqual(
      [
        'eventFunctionErrors',
        'recheckFunctionErrors',
        'ruleTargetDeadLetters',
        'eventFunctionFailures',
        'recheckDeadLetters',
        'openHighFindings',
        'undeliveredAlerts',
      ].sort(),
    );
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort()).toEqual(
      Object.values(reconciler.alarms)
        .map((construct) => id(construct))
        .sort(),
    );
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [ref(reconciler.alertTopic)] });
  });
});

describe('EcrReplicationRoleReconciler: least privilege', () => {
  it('grants the event function exactly its statements', () => {
    const queueSend = (sid: string, queue: IConstruct): Statement => ({
      Sid: sid,
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: arnOf(queue),
    });
    expect(statementsOf(defaultPolicyOf(reconciler.eventFunction)).sort(bySid)).toEqual(
      [
        ...readStatements(reconciler.eventFunction),
        queueSend('ScheduleRecheck', reconciler.graceQueue),
        queueSend('ReportFailedEvents', reconciler.deadLetterQueues.eventFunctionFailures),
      ].sort(bySid),
    );
  });

  it('grants the recheck function exactly its statements', () => {
    expect(statementsOf(defaultPolicyOf(reconciler.recheckFunction)).sort(bySid)).toEqual(
      [
        ...readStatements(reconciler.recheckFunction),
        {
          Sid: 'ConsumeRechecks',
          Effect: 'Allow' as const,
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: arnOf(reconciler.graceQueue),
        },
      ].sort(bySid),
    );
  });

  it('lets only Lambda assume the function roles, with no managed or inline policies', () => {
    for (const fn of [reconciler.eventFunction, reconciler.recheckFunction]) {
      expect(resources[id(fn.role as IConstruct)]?.Properties).toEqual({
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
          ],
        },
        Description: expect.any(String),
      });
    }
  });

  const cloudwatchConditions = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alarm:*',
          ],
        ],
      },
    },
  };

  it('lets the topic be published to over TLS only, and by this account’s alarms', () => {
    const topicPolicy = Object.keys(template.findResources('AWS::SNS::TopicPolicy'))[0] as string;
    expect(statementsOf(topicPolicy)).toEqual([
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: ref(reconciler.alertTopic),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowCloudWatchAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: ref(reconciler.alertTopic),
        Condition: cloudwatchConditions,
      },
    ]);
  });

  it('lets the account administer the topic key, and this account’s alarms use it', () => {
    expect(statementsOf(id(reconciler.alertKey))).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: partitionArn(':iam::', ACCOUNT, ':root') },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'AllowCloudWatchAlarmsToUseTheKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: cloudwatchConditions,
      },
    ]);
  });

  it('opens neither the topic nor its key to the EventBridge service: the alarm rule publishes through its role', () => {
    const topicPolicy = Object.keys(template.findResources('AWS::SNS::TopicPolicy'))[0] as string;
    const forEventBridge = [...statementsOf(topicPolicy), ...statementsOf(id(reconciler.alertKey))].filter(
      (statement) => JSON.stringify(statement.Principal ?? '').includes('events.amazonaws.com'),
    );
    expect(forEventBridge).toEqual([]);
    expect(statementsOf(id(alarmPublisher))).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: id(alarmPublisher) }] },
    });
    expect(Object.keys(policies)).toHaveLength(1);
    expect(statementsOf(Object.keys(policies)[0] as string)).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: ref(reconciler.alertTopic) },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: arnOf(reconciler.alertKey),
      },
    ]);
  });

  it('requires TLS on every queue and lets only this stack’s rules send to the rule-target DLQ', () => {
    const tlsOnly = (queue: IConstruct): Statement => ({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:*',
      Resource: arnOf(queue),
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const queuePolicies = template.findResources('AWS::SQS::QueuePolicy');
    const policyOf = (queue: IConstruct) =>
      Object.entries(queuePolicies).find(([, policy]) =>
        (policy.Properties.Queues as unknown[]).some((q) => JSON.stringify(q) === JSON.stringify(ref(queue))),
      )?.[0] as string;
    const { ruleTargets, eventFunctionFailures, recheck } = reconciler.deadLetterQueues;
    for (const queue of [reconciler.graceQueue, eventFunctionFailures, recheck]) {
      expect(statementsOf(policyOf(queue))).toEqual([tlsOnly(queue)]);
    }
    const ruleIds = Object.keys(template.findResources('AWS::Events::Rule'));
    expect(ruleIds).toHaveLength(6);
    expect(statementsOf(policyOf(ruleTargets))).toEqual([
      tlsOnly(ruleTargets),
      ...ruleIds.map((ruleId) => ({
        Sid: expect.stringMatching(/^AllowEventRule/),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf(ruleTargets),
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      })),
    ]);
  });

  it('lets this account, and only it, put events on the hub bus', () => {
    const busPolicy = Object.keys(template.findResources('AWS::Events::EventBusPolicy'))[0] as string;
    expect(statementsOf(busPolicy)).toEqual([
      {
        Sid: 'cdk-AcceptEventsForwardedFromThisAccount',
        Effect: 'Allow',
        Principal: { AWS: partitionArn(':iam::', ACCOUNT, ':root') },
        Action: 'events:PutEvents',
        Resource: arnOf(reconciler.eventBus),
      },
    ]);
  });

  it('accounts for every policy statement in the template', () => {
    const kinds = policyStatements(template).map(({ type }) => type);
    const count = (type: string) => kinds.filter((kind) => kind === type).length;
    // 3 trust policies; 11 + 12 function statements + 2 alarm publisher; 2 topic; 2 key; 4 TLS + 6 rule DLQ grants;
    // 1 bus; 5 invokes.
    expect({
      role: count('AWS::IAM::Role'),
      policy: count('AWS::IAM::Policy'),
      topic: count('AWS::SNS::TopicPolicy'),
      key: count('AWS::KMS::Key'),
      queue: count('AWS::SQS::QueuePolicy'),
      bus: count('AWS::Events::EventBusPolicy'),
      permission: count('AWS::Lambda::Permission'),
    }).toEqual({ role: 3, policy: 25, topic: 2, key: 2, queue: 10, bus: 1, permission: 5 });
  });

  it('has no IAM write action anywhere in the template', () => {
    expect(iamWriteGrants(template)).toEqual([]);
    const iamActions = policyStatements(template)
      .flatMap(({ statement }) => [statement.Action ?? []].flat())
      .filter((action) => action.toLowerCase().startsWith('iam:'));
    expect([...new Set(iamActions)].sort()).toEqual([
      'iam:GetRole',
      'iam:GetServiceLinkedRoleDeletionStatus',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
    ]);
  });

  it('reads the account’s Region opt-in status, and may change nothing of the account', () => {
    const accountStatements = policyStatements(template).filter(({ statement }) =>
      [statement.Action ?? statement.NotAction ?? []]
        .flat()
        .some((action) => /^(account:|\*$)/i.test(action)),
    );
    expect(accountStatements.map(({ logicalId, statement }) => [logicalId, statement])).toEqual(
      [reconciler.eventFunction, reconciler.recheckFunction].map((fn) => [
        defaultPolicyOf(fn),
        {
          Sid: 'ReadRegionOptInStatus',
          Effect: 'Allow',
          Action: 'account:ListRegions',
          Resource: partitionArn(':account::<Account>:account'),
        },
      ]),
    );
  });

  it('allows no one at all (Principal "*") anything', () => {
    const open = policyStatements(template).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        (statement.Principal === '*' || JSON.stringify(statement.Principal) === '{"AWS":"*"}'),
    );
    expect(open).toEqual([]);
  });
});

describe('EcrReplicationRoleReconciler: cdk-nag AwsSolutions', () => {
  it('reports no error', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });

  it('reports no warning', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });

  it('suppresses only the documented findings, each with a reason', () => {
    const suppressed = Object.entries(
      template.toJSON().Resources as Record<
        string,
        { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }
      >,
    ).flatMap(([logicalId, resource]) =>
      (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).map(({ id: rule, reason }) => ({
        logicalId,
        rule,
        reason,
      })),
    );
    expect(suppressed.map(({ logicalId, rule }) => `${rule} ${logicalId}`).sort()).toEqual(
      [
        `AwsSolutions-IAM5 ${id(reconciler.eventFunction.role as IConstruct)}`,
        `AwsSolutions-IAM5 ${defaultPolicyOf(reconciler.eventFunction)}`,
        `AwsSolutions-IAM5 ${id(reconciler.recheckFunction.role as IConstruct)}`,
        `AwsSolutions-IAM5 ${defaultPolicyOf(reconciler.recheckFunction)}`,
        `AwsSolutions-IAM5 ${id(alarmPublisher)}`,
        `AwsSolutions-IAM5 ${defaultPolicyOf({ role: alarmPublisher })}`,
        `AwsSolutions-L1 ${id(reconciler.eventFunction)}`,
        `AwsSolutions-L1 ${id(reconciler.recheckFunction)}`,
        `AwsSolutions-SQS3 ${id(reconciler.deadLetterQueues.ruleTargets)}`,
        `AwsSolutions-SQS3 ${id(reconciler.deadLetterQueues.eventFunctionFailures)}`,
      ].sort(),
    );
    for (const { reason } of suppressed) expect(reason.length).toBeGreaterThan(40);
  });
});
