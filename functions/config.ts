import { UsageError } from './core/errors.js';

/** The reconciler's configuration, read once from the environment (Lambda) or from flags + env (CLI). */
export interface Config {
  /** Watched Regions; `undefined` means every Region enabled for the account. */
  readonly regions: readonly string[] | undefined;
  readonly alertTopicArn: string | undefined;
  /** Secrets Manager secret holding the Slack webhook URL (Lambda). */
  readonly slackWebhookSecretArn: string | undefined;
  /** The Slack webhook URL itself (local runs). Never logged. */
  readonly slackWebhookUrl: string | undefined;
  /** DynamoDB table for alert state (Lambda). */
  readonly alertTableName: string | undefined;
  /** SQS queue for grace re-checks (Lambda). */
  readonly graceQueueUrl: string | undefined;
  /** How long a high finding raised by an event waits before it is confirmed and announced. */
  readonly graceSeconds: number;
  /** Re-announce an open finding after this long; `undefined` for never. */
  readonly reminderHours: number | undefined;
}

/** The environment variables the reconciler reads: a public contract (see README). */
export const ENV = {
  regions: 'RECONCILER_REGIONS',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  slackWebhookSecretArn: 'SLACK_WEBHOOK_SECRET_ARN',
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  alertTableName: 'ALERT_TABLE_NAME',
  graceQueueUrl: 'GRACE_QUEUE_URL',
  graceSeconds: 'GRACE_SECONDS',
  reminderHours: 'REMINDER_HOURS',
} as const;

export const DEFAULT_GRACE_SECONDS = 120;

/** Validates the environment once; throws a `UsageError` naming the variable and the fix. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const number = (name: string, { min, max }: { min: number; max: number }): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      throw new UsageError(`${name}=${value} is not a number from ${min} to ${max}.`);
    }
    return parsed;
  };
  return {
    regions: parseRegions(text(ENV.regions), ENV.regions),
    alertTopicArn: text(ENV.alertTopicArn),
    slackWebhookSecretArn: text(ENV.slackWebhookSecretArn),
    slackWebhookUrl: text(ENV.slackWebhookUrl),
    alertTableName: text(ENV.alertTableName),
    graceQueueUrl: text(ENV.graceQueueUrl),
    // SQS delays a message by at most 15 minutes.
    graceSeconds: number(ENV.graceSeconds, { min: 0, max: 900 }) ?? DEFAULT_GRACE_SECONDS,
    reminderHours: number(ENV.reminderHours, { min: 1, max: 24 * 365 }),
  };
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** `a,b,c` → the Region names, validated; `undefined` when not given. */
export function parseRegions(value: string | undefined, source: string): string[] | undefined {
  if (value === undefined) return undefined;
  const regions = [
    ...new Set(
      value
        .split(',')
        .map((region) => region.trim())
        .filter(Boolean),
    ),
  ];
  const invalid = regions.filter((region) => !REGION_NAME.test(region));
  if (regions.length === 0 || invalid.length > 0) {
    throw new UsageError(
      `${source}: ${invalid.length > 0 ? `not a Region name: ${invalid.join(', ')}` : 'no Region given'}. ` +
        'Give Region codes separated by commas, e.g. us-east-1,eu-west-1.',
    );
  }
  return regions;
}
