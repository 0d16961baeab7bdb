import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAccountReader } from '../adapters/account-reader.js';
import { accountRegionOptIn } from '../adapters/account-regions.js';
import { DynamoDbAccountRegister } from '../adapters/dynamodb-account-register.js';
import { DynamoDbAlertStore } from '../adapters/dynamodb-alert-store.js';
import { type Clock, systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import type { AccountAccess, AccountReader } from '../core/ports.js';
import type { ReconcileDeps } from '../reconcile/reconcile.js';
import { ENV, METRIC_NAMESPACE, SERVICE_NAME } from '../settings.js';
import { lambdaOrganizationReaders } from './organization/lambda-readers.js';
import { SqsRecheckScheduler } from './recheck/sqs-scheduler.js';
import { createReconcileDeps } from './reconcile-deps.js';
import { requiredSetting } from './required-setting.js';
import { createTelemetry, type MetricSink, type Telemetry } from './telemetry.js';

/**
 * What the event and recheck functions run with: the reconcile's dependencies, and where they log and count. In
 * organization mode (`MEMBER_READ_ROLE_NAME` set) the reconcile reads each account it is asked about (its own with
 * the function's credentials, the others through their read role) and keeps the accounts' names and open-alert
 * marks in the alert table; otherwise it reads its own account only and refuses any other.
 */
export interface LambdaParts {
  readonly deps: ReconcileDeps;
  readonly telemetry: Telemetry;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Built once per container, on first use (not at import, so that tests control the environment). */
let built: LambdaParts | undefined;

/**
 * The functions' dependencies, built on first use from the environment the handler passes, and kept for the
 * container's life. Time enters here: the system clock, unless a test builds the parts first with its own.
 * @throws {ConfigError} when a variable the stack sets is missing or wrong, naming it
 */
export function lambdaParts(
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock = systemClock,
): LambdaParts {
  if (built) return built;
  const config = loadConfig(env);
  const logger = new Logger({ serviceName: SERVICE_NAME });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  // The stack always names the watched Regions, so the function never lists them (and carries no EC2 client).
  requiredSetting(config, 'regions', ENV.regions);
  const reader = createAccountReader({ regionOptIn: accountRegionOptIn() });
  const dynamo = new DynamoDBClient({});
  const tableName = requiredSetting(config, 'alertTableName', ENV.alertTableName);
  const roleName = config.memberReadRoleName;
  const deps = createReconcileDeps(config, {
    reader,
    readerFor: roleName ? lambdaOrganizationReaders(roleName, reader, clock) : singleAccount(reader),
    store: new DynamoDbAlertStore(dynamo, tableName),
    register: roleName ? new DynamoDbAccountRegister(dynamo, tableName) : undefined,
    recheck: config.graceQueueUrl
      ? new SqsRecheckScheduler(new SQSClient({}), config.graceQueueUrl)
      : undefined,
    log: logger,
    clock,
  });
  built = { deps, telemetry: createTelemetry(logger, metricSink(metrics)), metrics, logger };
  return built;
}

/** One account, read with the function's own credentials; a read of another is refused (see `ReconcileDeps`). */
function singleAccount(reader: AccountReader): (account: string) => Promise<AccountAccess> {
  return async () => ({ ok: true, reader });
}

/** Counts as Powertools EMF metrics: undimensioned on the invocation's metrics, dimensioned each on its own. */
function metricSink(metrics: Metrics): MetricSink {
  return {
    count(name, value, dimensions) {
      if (!dimensions) return metrics.addMetric(name, MetricUnit.Count, value);
      const single = metrics.singleMetric();
      for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
      single.addMetric(name, MetricUnit.Count, value);
    },
  };
}
