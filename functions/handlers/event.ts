import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { createAccountReader } from '../adapters/account-reader.js';
import { accountRegionOptIn } from '../adapters/account-regions.js';
import { DynamoDbAlertStore } from '../adapters/dynamodb-alert-store.js';
import { SqsRecheckScheduler } from '../adapters/sqs-recheck-scheduler.js';
import { type Clock, systemClock } from '../clock.js';
import { type Config, ENV, loadConfig } from '../config.js';
import { EVENT_ID_PATTERN } from '../core/classify.js';
import { UsageError } from '../core/errors.js';
import type { ReconcileDeps } from '../reconcile/reconcile.js';
import { createReconcileDeps } from './deps.js';
import { type HandleResult, handleEvent } from './handle-event.js';
import { createTelemetry, METRIC_NAMESPACE, type MetricSink, type Telemetry } from './telemetry.js';

/** Built once per container, on first use (not at import, so that tests control the environment). */
let built: { deps: ReconcileDeps; telemetry: Telemetry; metrics: Metrics; logger: Logger } | undefined;

/**
 * The function's dependencies, built on first use and kept for the container's life. Time enters here: the system
 * clock, unless a test builds the parts first with its own.
 */
export function lambdaParts(
  env: Readonly<Record<string, string | undefined>> = process.env,
  clock: Clock = systemClock,
) {
  if (built) return built;
  const config = loadConfig(env);
  const logger = new Logger({ serviceName: 'ecr-replication-role-reconciler' });
  const metrics = new Metrics({
    namespace: METRIC_NAMESPACE,
    serviceName: 'ecr-replication-role-reconciler',
  });
  // The stack always names the watched Regions, so the function never lists them (and carries no EC2 client).
  required(config, 'regions', ENV.regions);
  const deps = createReconcileDeps(config, {
    reader: createAccountReader({ regionOptIn: accountRegionOptIn() }),
    store: new DynamoDbAlertStore(
      new DynamoDBClient({}),
      required(config, 'alertTableName', ENV.alertTableName),
    ),
    recheck: config.graceQueueUrl
      ? new SqsRecheckScheduler(new SQSClient({}), config.graceQueueUrl)
      : undefined,
    log: logger,
    clock,
  });
  built = { deps, telemetry: createTelemetry(logger, metricSink(metrics)), metrics, logger };
  return built;
}

/** EventBridge → reconcile. Throws on failure so that Lambda retries and the on-failure destination keeps it. */
export async function handler(event: unknown, context?: Context): Promise<HandleResult> {
  const { deps, telemetry, metrics, logger } = lambdaParts();
  logger.addContext(context ?? ({} as Context));
  logger.appendKeys({ eventId: eventIdOf(event) });
  try {
    return await handleEvent(deps, telemetry, event);
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}

export function metricSink(metrics: Metrics): MetricSink {
  return {
    count(name, value, dimensions) {
      if (!dimensions) return metrics.addMetric(name, MetricUnit.Count, value);
      const single = metrics.singleMetric();
      for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
      single.addMetric(name, MetricUnit.Count, value);
    },
  };
}

function required<K extends keyof Config>(config: Config, key: K, variable: string): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined)
    throw new UsageError(`${variable} is not set: the function needs it (the CDK stack sets it).`);
  return value as NonNullable<Config[K]>;
}

/** The event's id for every log line of the invocation, taken before parsing: only when it is a well-formed id. */
function eventIdOf(event: unknown): string | undefined {
  const record = event as { id?: unknown; detail?: { eventID?: unknown } } | null;
  const id = record?.detail?.eventID ?? record?.id;
  return typeof id === 'string' && EVENT_ID_PATTERN.test(id) ? id : undefined;
}
