import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { ConfigError, checkSharedSettings, GRACE_SECONDS } from '../functions/settings.js';
import {
  type OrganizationProps,
  type ValidatedOrganization,
  validateOrganization,
} from './organization-props.js';

/**
 * At most this many reconciles run at once by default: a burst of CloudTrail events (a pipeline changing replication
 * in every Region) is absorbed by Lambda's asynchronous queue instead of multiplying IAM and ECR reads, whose
 * throttling quotas are shared with everything else in the account.
 */
export const DEFAULT_EVENT_CONCURRENCY = 5;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * How the reconciler is deployed: which Regions it watches (required), when it runs without an event, how it
 * confirms and announces findings, and what it keeps when removed. Validated when the construct is created: a bad
 * value fails the synth with a message naming the property.
 *
 * @example
 * const props: EcrReplicationRoleReconcilerProps = {
 *   regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
 *   alertEmail: 'platform@example.com',
 *   slackWebhookSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-role-slack-AbCdEf',
 *   graceSeconds: 300,
 * };
 */
export interface EcrReplicationRoleReconcilerProps {
  /**
   * The Regions whose replication configuration is read and whose ECR events are watched (Region codes, e.g.
   * `us-east-1`). Every Region other than the hub's needs a forwarder stack.
   */
  readonly regions: readonly string[];
  /**
   * When to reconcile even without an event: the safety net for lost or late events.
   * @default Schedule.rate(Duration.hours(1))
   */
  readonly schedule?: events.Schedule;
  /**
   * How long a high finding raised by an event waits before it is re-checked and announced (0–900 seconds).
   * @default 120
   */
  readonly graceSeconds?: number;
  /**
   * Re-announce an open finding after this many hours (1–8760).
   * @default - no reminders
   */
  readonly reminderHours?: number;
  /**
   * An address subscribed to the alert topic (alerts and alarms).
   * @default - no subscription
   */
  readonly alertEmail?: string;
  /**
   * The Secrets Manager secret (complete or partial ARN) holding the Slack incoming webhook URL.
   * @default - no Slack notifications
   */
  readonly slackWebhookSecretArn?: string;
  /**
   * What happens to the alert table, the topic's key and the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The event function's reserved concurrency: at most this many reconciles at once (1–100), or `'unreserved'` for
   * none (Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions, as in new
   * accounts whose concurrency quota is still 10).
   * @default 5
   */
  readonly eventConcurrency?: number | 'unreserved';
  /**
   * Watch a whole AWS Organization from this account (a delegated administrator): see {@link OrganizationProps}.
   * @default - this account only
   */
  readonly organization?: OrganizationProps;
}

/** The props once validated, with their defaults applied. */
export interface ValidatedProps {
  readonly regions: readonly string[];
  readonly schedule: events.Schedule;
  readonly graceSeconds: number;
  readonly reminderHours: number | undefined;
  readonly alertEmail: string | undefined;
  readonly slackWebhookSecretArn: string | undefined;
  readonly removalPolicy: RemovalPolicy;
  readonly eventConcurrency: number | 'unreserved';
  readonly organization: ValidatedOrganization | undefined;
}

/**
 * Checks every prop and applies the defaults; the first bad value throws an error naming the property. What the
 * functions are also told (the Regions, the grace, the reminders, the Slack secret) is checked by the functions' own
 * schema ({@link checkSharedSettings}), so that the stack never deploys a value the functions would refuse. Tokens
 * (values known only at deploy time) are not checked.
 */
export function validateProps(props: EcrReplicationRoleReconcilerProps): ValidatedProps {
  const fail = (message: string): never => {
    throw new Error(`EcrReplicationRoleReconciler: ${message}`);
  };
  // As the functions read them from `RECONCILER_REGIONS`: trimmed, each once.
  const regions = [
    ...new Set(
      props.regions
        .flatMap((region) => region.split(','))
        .map((region) => region.trim())
        .filter(Boolean),
    ),
  ];
  const graceSeconds = props.graceSeconds ?? GRACE_SECONDS.default;
  const { reminderHours, alertEmail, slackWebhookSecretArn } = props;
  try {
    checkSharedSettings(
      {
        regions,
        graceSeconds,
        reminderHours,
        slackWebhookSecretArn:
          slackWebhookSecretArn === undefined || Token.isUnresolved(slackWebhookSecretArn)
            ? undefined
            : slackWebhookSecretArn,
      },
      // The props are named as the shared settings are.
      (key) => key,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(error.message);
  }
  if (alertEmail !== undefined && !Token.isUnresolved(alertEmail) && !EMAIL.test(alertEmail)) {
    fail(`alertEmail is not an email address: ${JSON.stringify(alertEmail)}.`);
  }
  const eventConcurrency = props.eventConcurrency ?? DEFAULT_EVENT_CONCURRENCY;
  if (
    eventConcurrency !== 'unreserved' &&
    (!Number.isInteger(eventConcurrency) || eventConcurrency < 1 || eventConcurrency > 100)
  ) {
    fail(`eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not ${eventConcurrency}.`);
  }
  let organization: ValidatedOrganization | undefined;
  try {
    organization =
      props.organization && validateOrganization(props.organization, regions, (key) => `organization.${key}`);
  } catch (error) {
    fail((error as Error).message);
  }
  return {
    regions,
    schedule: props.schedule ?? events.Schedule.rate(Duration.hours(1)),
    graceSeconds,
    reminderHours,
    alertEmail,
    slackWebhookSecretArn,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    eventConcurrency,
    organization,
  };
}
