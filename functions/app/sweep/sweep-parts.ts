import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDbAccountRegister } from '../../adapters/dynamodb-account-register.js';
import { type Clock, systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { AwsCallError } from '../../core/errors.js';
import { listOrganizationAccounts } from '../../organization/accounts.js';
import { assumeRole, THROTTLED_CALL_RETRIES } from '../../organization/assume-role.js';
import { ENV, METRIC_NAMESPACE, SERVICE_NAME } from '../../settings.js';
import { requiredSetting } from '../required-setting.js';
import { sendMessageBatches } from './send-batches.js';
import { type SweepOutcome, sweepOrganization } from './sweep.js';

/** What the sweep function runs with. Apart from the event and recheck functions' parts: no channel, no reader. */
export interface SweepParts {
  /** One sweep: list, send, count. */
  sweep(): Promise<SweepOutcome>;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

let built: SweepParts | undefined;

/**
 * The sweep function's parts, built on first use from the environment the handler passes and kept for the
 * container's life: `ACCOUNT_QUEUE_URL` and `ALERT_TABLE_NAME` are required; with `ORGANIZATION_LIST_ROLE_ARN`
 * the accounts are listed through that role (assumed once, renewed before its credentials expire), else with the
 * function's own credentials (a delegated administrator).
 * @throws {ConfigError} when a variable the stack sets is missing or wrong, naming it
 */
export function sweepParts(
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock = systemClock,
): SweepParts {
  if (built) return built;
  const config = loadConfig(env);
  const queueUrl = requiredSetting(config, 'accountQueueUrl', ENV.accountQueueUrl);
  const tableName = requiredSetting(config, 'alertTableName', ENV.alertTableName);
  const logger = new Logger({ serviceName: SERVICE_NAME });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  const register = new DynamoDbAccountRegister(new DynamoDBClient({}), tableName);
  const sqs = new SQSClient({});
  const organizations = organizationsClient(config.organizationListRoleArn, clock);

  const sweep = async (): Promise<SweepOutcome> => {
    const outcome = await sweepOrganization(
      {
        listAccounts: async () => listOrganizationAccounts(await organizations()),
        accountEntries: () => register.accountEntries(),
        send: (messages) => sendMessageBatches(sqs, queueUrl, messages, { clock }),
      },
      logger,
    );
    metrics.addMetric('AccountsSwept', MetricUnit.Count, outcome.swept);
    metrics.addMetric('AccountsDeparted', MetricUnit.Count, outcome.departed);
    return outcome;
  };
  built = { sweep, metrics, logger };
  return built;
}

/**
 * The Organizations client, made on first use: signing with the function's own credentials, or with those of
 * `listRoleArn`, assumed once and kept while they can be renewed. A role that cannot be assumed fails the sweep
 * (retried, alarmed), and is assumed again on the next one.
 */
function organizationsClient(
  listRoleArn: string | undefined,
  clock: Clock,
): () => Promise<OrganizationsClient> {
  let client: Promise<OrganizationsClient> | undefined;
  const make = async (): Promise<OrganizationsClient> => {
    if (!listRoleArn) return new OrganizationsClient({ ...THROTTLED_CALL_RETRIES });
    const assumed = await assumeRole(
      new STSClient({ ...THROTTLED_CALL_RETRIES }),
      { roleArn: listRoleArn },
      clock,
    );
    if (!assumed.ok) throw new AwsCallError('AssumeRole', assumed.error);
    return new OrganizationsClient({ ...THROTTLED_CALL_RETRIES, credentials: assumed.credentials });
  };
  return () => {
    client ??= make().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
}
