import * as z from 'zod/mini';

// What the deployed stack and the functions must agree on, defined once: the construct (`infra/`) writes these names
// and values, the functions (`functions/`) read them.

/** `POWERTOOLS_SERVICE_NAME` of both functions: the `service` dimension of their metrics and logs. */
export const SERVICE_NAME = 'ecr-replication-role-reconciler';

/** `POWERTOOLS_METRICS_NAMESPACE` of both functions. */
export const METRIC_NAMESPACE = 'EcrReplicationRoleReconciler';

/** The metrics the functions publish (EMF) and the stack's alarms watch. */
export const METRICS = {
  /** After each reconcile: how many high findings are open. */
  openHighFindings: 'OpenHighFindings',
  /** Alerts a channel did not deliver (retried by the next invocation). */
  alertsUndelivered: 'AlertsUndelivered',
} as const;

/** The alert table's key attributes (both strings). */
export const ALERT_TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The alert table's time-to-live attribute: DynamoDB deletes an item some time after this instant (epoch seconds). */
export const ALERT_TABLE_TTL_ATTRIBUTE = 'expiresAt';

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
  /** Organization mode: the read role assumed in every member account (set only in organization mode). */
  memberReadRoleName: 'MEMBER_READ_ROLE_NAME',
  /** Organization mode: the queue the sweep sends one message per account to. */
  accountQueueUrl: 'ACCOUNT_QUEUE_URL',
  /** Organization mode: a role in the management account that may list the accounts (else listed directly). */
  organizationListRoleArn: 'ORGANIZATION_LIST_ROLE_ARN',
} as const;

/** How long a high finding raised by an event waits: at most SQS's longest message delay (15 minutes). */
export const GRACE_SECONDS = { default: 120, min: 0, max: 900 } as const;

/** Reminders of an open finding: from every hour to once a year. */
export const REMINDER_HOURS = { min: 1, max: 24 * 365 } as const;

/** A Region code: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `eusc-de-east-1`. */
export const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** A Secrets Manager secret ARN, complete or partial, in any partition. */
export const SECRET_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;

const wholeNumber = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));

/**
 * The settings both the functions' environment (`loadConfig`) and the construct's props carry, validated by this one
 * schema in both places, so a value the stack accepts is one the functions accept.
 */
export const SharedSettings = z.object({
  regions: z.optional(z.array(z.string().check(z.regex(REGION_NAME))).check(z.minLength(1))),
  graceSeconds: wholeNumber(GRACE_SECONDS.min, GRACE_SECONDS.max),
  reminderHours: z.optional(z.number().check(z.gte(REMINDER_HOURS.min), z.lte(REMINDER_HOURS.max))),
  slackWebhookSecretArn: z.optional(z.string().check(z.regex(SECRET_ARN))),
});
export type SharedSettings = z.infer<typeof SharedSettings>;

/** How each shared setting is described when it is wrong, with the fix. */
const SETTING_RULES: Record<keyof SharedSettings, string> = {
  regions: 'Region codes, e.g. us-east-1,eu-west-1',
  graceSeconds: `a whole number from ${GRACE_SECONDS.min} to ${GRACE_SECONDS.max} (SQS's longest delay)`,
  reminderHours: `a number from ${REMINDER_HOURS.min} to ${REMINDER_HOURS.max}`,
  slackWebhookSecretArn:
    'a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
};

/** A setting (an environment variable, a flag, a construct prop) has a value the reconciler cannot use. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The setting as the user wrote it: `GRACE_SECONDS`, `graceSeconds`, `--grace-seconds`. */
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}

/**
 * Validates the shared settings with {@link SharedSettings}; the first wrong one throws a {@link ConfigError} naming
 * it as `nameOf` spells it (an environment variable, a prop) and saying what it must be.
 */
export function checkSharedSettings(
  input: Record<keyof SharedSettings, unknown>,
  nameOf: (key: keyof SharedSettings) => string,
): SharedSettings {
  const parsed = SharedSettings.safeParse(input);
  if (parsed.success) return parsed.data;
  const key = (parsed.error.issues[0]?.path[0] ?? 'regions') as keyof SharedSettings;
  const value = input[key];
  // NaN and Infinity are shown as themselves (JSON would say null).
  const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
  throw new ConfigError(nameOf(key), `${nameOf(key)} must be ${SETTING_RULES[key]}, not ${shown}.`);
}
