import { App, Aspects, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { checkSharedSettings, ENV } from '../../functions/settings.js';
import { EcrReplicationRoleReconciler } from '../../infra/ecr-replication-role-reconciler.js';
import {
  DEFAULT_EVENT_CONCURRENCY,
  type EcrReplicationRoleReconcilerProps,
} from '../../infra/reconciler-props.js';
import { ACCOUNT, type Statement } from './templates.js';

function reconcilerIn(
  props: Partial<EcrReplicationRoleReconcilerProps>,
  region: string | null = 'us-east-1',
) {
  const app = new App();
  const stack = new Stack(app, 'Hub', { env: { account: ACCOUNT, region: region ?? undefined } });
  const reconciler = new EcrReplicationRoleReconciler(stack, 'Reconciler', {
    regions: ['us-east-1'],
    ...props,
  });
  return { app, stack, reconciler };
}

/** The statements of every identity policy of a template, in order. */
function identityStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/** The `Properties` of the event function and of the recheck function. */
function functionProperties(stack: Stack) {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const find = (name: string) =>
    Object.entries(functions).find(([logicalId]) => logicalId.includes(name))?.[1]?.Properties as Record<
      string,
      unknown
    >;
  expect(Object.keys(functions)).toHaveLength(2);
  return { event: find('EventFunction'), recheck: find('RecheckFunction') };
}

describe('EcrReplicationRoleReconciler props', () => {
  it.each([
    [{ regions: [] }, /regions must be Region codes, e\.g\. us-east-1,eu-west-1, not \[\]\.$/],
    [
      { regions: ['us-east-1', 'moon-base-one'] },
      /regions must be Region codes, e\.g\. us-east-1,eu-west-1, not \["us-east-1","moon-base-one"\]\.$/,
    ],
    [{ regions: ['US-EAST-1'] }, /regions must be Region codes.*not \["US-EAST-1"\]/],
    [{ graceSeconds: -1 }, /graceSeconds must be a whole number from 0 to 900 .*not -1/],
    [{ graceSeconds: 901 }, /graceSeconds must be a whole number from 0 to 900/],
    [{ graceSeconds: 1.5 }, /graceSeconds must be a whole number/],
    [{ reminderHours: 0 }, /reminderHours must be a number from 1 to 8760, not 0/],
    [{ reminderHours: 24 * 366 }, /reminderHours must be a number from 1 to 8760, not 8784/],
    [{ reminderHours: Number.NaN }, /reminderHours must be a number from 1 to 8760/],
    [{ alertEmail: 'platform team' }, /alertEmail is not an email address: "platform team"/],
    [
      { slackWebhookSecretArn: 'arn:aws:s3:::webhooks/slack' },
      /slackWebhookSecretArn must be a Secrets Manager secret ARN \(arn:aws:secretsmanager:<region>:<account>:secret:<name>\), not "arn:aws:s3:::webhooks\/slack"\.$/,
    ],
    [
      { slackWebhookSecretArn: 'slack-webhook' },
      /slackWebhookSecretArn must be a Secrets Manager secret ARN .*not "slack-webhook"/,
    ],
    [
      { eventConcurrency: 0 },
      /eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not 0\.$/,
    ],
    [
      { eventConcurrency: 101 },
      /eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not 101\.$/,
    ],
    [
      { eventConcurrency: 2.5 },
      /eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not 2\.5\.$/,
    ],
    [{ eventConcurrency: -5 }, /eventConcurrency must be a whole number from 1 to 100/],
    [{ eventConcurrency: Number.NaN }, /eventConcurrency must be a whole number from 1 to 100/],
    [
      { eventConcurrency: 'none' },
      /eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not none/,
    ],
  ] as const)('refuses %j at synth, saying why', (props, error) => {
    expect(() => reconcilerIn(props as Partial<EcrReplicationRoleReconcilerProps>)).toThrow(error);
    expect(() => reconcilerIn(props as Partial<EcrReplicationRoleReconcilerProps>)).toThrow(
      /^EcrReplicationRoleReconciler: /,
    );
  });

  it('refuses a stack without an explicit Region', () => {
    expect(() => reconcilerIn({}, null)).toThrow(/needs an explicit Region/);
  });

  it.each([
    ['regions', ['eu-wst-1x']],
    ['graceSeconds', 901],
    ['reminderHours', 0],
    ['slackWebhookSecretArn', 'slack-webhook'],
  ] as const)('refuses %s as the functions would, with their schema and its message', (prop, value) => {
    const shared = { regions: ['us-east-1'], graceSeconds: 120, reminderHours: undefined };
    let functionsSay = '';
    try {
      checkSharedSettings({ ...shared, slackWebhookSecretArn: undefined, [prop]: value }, (key) => key);
    } catch (error) {
      functionsSay = (error as Error).message;
    }
    expect(functionsSay).toMatch(new RegExp(`^${prop} must be `));
    expect(() => reconcilerIn({ [prop]: value })).toThrow(`EcrReplicationRoleReconciler: ${functionsSay}`);
  });

  it('watches each Region once, trimmed, and takes every Region code the functions take', () => {
    const { stack } = reconcilerIn({ regions: [' us-east-1', 'eusc-de-east-1', 'us-east-1 '] });
    const variables = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables,
    );
    expect(variables.map((env) => env[ENV.regions])).toEqual([
      'us-east-1,eusc-de-east-1',
      'us-east-1,eusc-de-east-1',
    ]);
  });

  it('does not check a Slack secret ARN known only at deploy time', () => {
    const app = new App();
    const stack = new Stack(app, 'Hub', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const secretArn = new CfnParameter(stack, 'WebhookArn').valueAsString;
    new EcrReplicationRoleReconciler(stack, 'Reconciler', {
      regions: ['us-east-1'],
      slackWebhookSecretArn: secretArn,
    });
    Template.fromStack(stack).allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.slackWebhookSecretArn]: { Ref: 'WebhookArn' } }) },
    });
  });

  it.each([0, 900])('accepts graceSeconds %d', (graceSeconds) => {
    const { stack } = reconcilerIn({ graceSeconds });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GRACE_SECONDS: String(graceSeconds) }) },
    });
  });

  it('defaults to an hourly schedule, a 120 s grace, no reminders, no email and no Slack', () => {
    const { stack } = reconcilerIn({});
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const variables = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables,
    );
    expect(variables[0]).toMatchObject({ GRACE_SECONDS: '120' });
    for (const env of variables) {
      expect(env).not.toHaveProperty('REMINDER_HOURS');
      expect(env).not.toHaveProperty('SLACK_WEBHOOK_SECRET_ARN');
    }
  });

  it('reserves 5 concurrent executions for the event function by default, none for the recheck function', () => {
    expect(DEFAULT_EVENT_CONCURRENCY).toBe(5);
    const { event, recheck } = functionProperties(reconcilerIn({}).stack);
    expect(event.ReservedConcurrentExecutions).toBe(5);
    expect(recheck).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it.each([1, 20, 100])('reserves eventConcurrency %d for the event function only', (eventConcurrency) => {
    const { event, recheck } = functionProperties(reconcilerIn({ eventConcurrency }).stack);
    expect(event.ReservedConcurrentExecutions).toBe(eventConcurrency);
    expect(recheck).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('reserves nothing with eventConcurrency "unreserved"', () => {
    const { event, recheck } = functionProperties(reconcilerIn({ eventConcurrency: 'unreserved' }).stack);
    expect(event).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(recheck).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('reads no secret and decrypts nothing without a Slack secret', () => {
    const statements = identityStatements(Template.fromStack(reconcilerIn({}).stack));
    const sids = statements.map((statement) => statement.Sid);
    expect(sids).not.toContain('ReadSlackWebhook');
    expect(sids).not.toContain('DecryptSlackWebhook');
    expect(statements.filter((statement) => [statement.Action].flat().includes('kms:Decrypt'))).toEqual([
      expect.objectContaining({ Sid: 'EncryptAlerts' }),
      expect.objectContaining({ Sid: 'EncryptAlerts' }),
    ]);
    expect(
      statements.filter((statement) =>
        [statement.Action].flat().some((a) => a?.startsWith('secretsmanager:')),
      ),
    ).toEqual([]);
  });

  it('takes any EventBridge schedule', () => {
    const { stack } = reconcilerIn({ schedule: events.Schedule.rate(Duration.minutes(15)) });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
    });
  });

  it('applies the removal policy to the table, the key and the log groups', () => {
    const { stack } = reconcilerIn({ removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      template.allResources(type, { DeletionPolicy: 'Delete' });
    }
  });

  it('does not watch ECR on the default bus when the hub Region is not watched', () => {
    const { stack } = reconcilerIn({ regions: ['eu-west-1'] });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    const onDefault = rules.filter((rule) => rule.Properties.EventBusName === undefined);
    expect(
      onDefault.map((rule) => rule.Properties.EventPattern?.source ?? rule.Properties.ScheduleExpression),
    ).toEqual(['rate(1 hour)', ['aws.iam'], ['aws.account']]);
    const onBus = rules.filter((rule) => rule.Properties.EventBusName !== undefined);
    expect(onBus.map((rule) => rule.Properties.EventPattern.source)).toEqual([
      ['aws.ecr'],
      ['aws.cloudwatch'],
    ]);
  });
});

describe('EcrReplicationRoleReconciler with a partial secret ARN', () => {
  const partial = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:reconciler/slack`;
  const { app, stack } = reconcilerIn({ slackWebhookSecretArn: partial });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);

  it('decrypts the secret only through Secrets Manager in the secret’s Region, for that secret', () => {
    const decrypt: Statement = {
      Sid: 'DecryptSlackWebhook',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        // The secret's Region (eu-west-1), not the hub's (us-east-1).
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
        },
        StringLike: { 'kms:EncryptionContext:SecretARN': `${partial}-??????` },
      },
    };
    const statements = identityStatements(template);
    expect(statements.filter((statement) => statement.Sid === 'DecryptSlackWebhook')).toEqual([
      decrypt,
      decrypt,
    ]);
    // Each function role has it, once.
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const sids = (policy.Properties.PolicyDocument.Statement as Statement[]).map(
        (statement) => statement.Sid,
      );
      expect(sids.filter((sid) => sid === 'DecryptSlackWebhook')).toHaveLength(1);
      expect(sids.filter((sid) => sid === 'ReadSlackWebhook')).toHaveLength(1);
    }
  });

  it('reads the secret by its partial ARN followed by the six characters Secrets Manager appends', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    expect(statements.filter((statement) => statement.Sid === 'ReadSlackWebhook')).toEqual([
      {
        Sid: 'ReadSlackWebhook',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: `${partial}-??????`,
      },
      {
        Sid: 'ReadSlackWebhook',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: `${partial}-??????`,
      },
    ]);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLACK_WEBHOOK_SECRET_ARN: partial }) },
    });
  });

  it('still passes cdk-nag, the wildcard being suppressed with a reason', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });
});
