import { CfnResource, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER, MAIN_FIELDS, NODE_TARGET } from './bundling.js';

export interface ReconcilerFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'logRetention' | 'role'
  > {
  /** The handler module (TypeScript), exporting `handler`. */
  readonly entry: string;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A reconciler Lambda function with the house defaults: Node.js 22 on arm64, an ESM bundle built by the local
 * esbuild (our own AWS SDK v3 inside, not the runtime's pinned one), minified with source maps, its own log group
 * with a retention, and a role that can do nothing but write to that log group until statements are added.
 *
 * @example
 * const fn = new ReconcilerFunction(this, 'Event', { entry: 'functions/handlers/event.ts', description: '…' });
 * fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeRegistry'], resources: ['*'] }));
 */
export class ReconcilerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ReconcilerFunctionProps) {
    const { logRetention, logRemovalPolicy, environment, ...functionProps } = props;
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // No AWS managed policy (AWSLambdaBasicExecutionRole would allow logs:CreateLogGroup on `*`): the role gets
    // exactly what its function uses.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.minutes(2),
      memorySize: 512,
      ...functionProps,
      role,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
      bundling: {
        format: OutputFormat.ESM,
        // Keep in step with BUNDLE_OPTIONS (bundling.ts).
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        target: NODE_TARGET,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Runtimes ship an older, pinned SDK: bundle the one the code was tested with.
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    NagSuppressions.addResourceSuppressions(this, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'nodejs22.x is the chosen runtime (supported by Lambda, and the Node.js line the code is tested ' +
          'against); moving to a newer runtime is a deliberate upgrade, not a side effect of a CDK update.',
      },
    ]);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    // The function's `Role` attribute already orders it after its role; the DependsOn that the L2 construct adds on
    // everything under the role repeats that (cfn-lint W3005). Keep it only on the role's policies, which matters:
    // the function must not run before it may do its work. (The function has no other dependency to keep.)
    const cfnRole = role.node.defaultChild as iam.CfnRole;
    (this.node.defaultChild as lambda.CfnFunction).addOverride(
      'DependsOn',
      Lazy.list({
        produce: () =>
          role.node
            .findAll()
            .filter((child): child is CfnResource => CfnResource.isCfnResource(child) && child !== cfnRole)
            .map((child) => Stack.of(child).getLogicalId(child)),
      }),
    );
  }
}
