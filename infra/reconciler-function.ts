import { CfnResource, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { builtLambdaBundleDir, type LambdaBundleName } from './lambda-bundles.js';
import { addNagSuppressions } from './nag-suppressions.js';

export interface ReconcilerFunctionProps
  extends Omit<
    lambda.FunctionProps,
    'code' | 'handler' | 'runtime' | 'architecture' | 'logGroup' | 'logRetention' | 'role'
  > {
  /** The prebuilt handler bundle to deploy (`dist/lambda/<bundle>/index.mjs`, exporting `handler`). */
  readonly bundle: LambdaBundleName;
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
  /**
   * The execution role's name, for a role that other accounts name in their trust policies (organization mode).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * A reconciler Lambda function with the house defaults: Node.js 24 on arm64, the handler's prebuilt ESM bundle
 * (built by `npm run build` with `BUNDLE_OPTIONS`: our own AWS SDK v3 inside, not the runtime's pinned one,
 * minified with a source map), its own log group with a retention, and a role that can do nothing but write to that
 * log group until statements are added.
 *
 * @example
 * const fn = new ReconcilerFunction(this, 'Event', { bundle: 'event', description: '…' });
 * fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeRegistry'], resources: ['*'] }));
 */
export class ReconcilerFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: ReconcilerFunctionProps) {
    const { bundle, logRetention, logRemovalPolicy, environment, roleName, ...functionProps } = props;
    const code = lambda.Code.fromAsset(builtLambdaBundleDir(bundle));
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // No AWS managed policy (AWSLambdaBasicExecutionRole would allow logs:CreateLogGroup on `*`): the role gets
    // exactly what its function uses.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
      ...(roleName === undefined ? {} : { roleName }),
    });
    super(scope, id, {
      // Keep in step with NODE_TARGET (bundling.ts), the Node.js line the bundles are built for.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.minutes(2),
      memorySize: 512,
      ...functionProps,
      code,
      handler: 'index.handler',
      role,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
    });
    addNagSuppressions(this, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'nodejs24.x is the chosen runtime (the Node.js line the bundle is built for and the code is tested ' +
          'against); a newer runtime known to a later aws-cdk-lib is a deliberate upgrade, not a side effect of a ' +
          'CDK update.',
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
