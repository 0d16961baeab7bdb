import { UsageError } from './core/errors.js';
import { ConfigError, checkSharedSettings, ENV, GRACE_SECONDS, REGION_NAME } from './settings.js';

type Env = Readonly<Record<string, string | undefined>>;

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
  /** Organization mode (on when set): the read role assumed in every member account. */
  readonly memberReadRoleName: string | undefined;
  /** Organization mode: the queue the sweep sends one message per account to. */
  readonly accountQueueUrl: string | undefined;
  /** Organization mode: a role in the management account to list the accounts with; else listed directly. */
  readonly organizationListRoleArn: string | undefined;
}

/** An IAM role name (IAM's own pattern and length). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** An IAM role ARN in any partition, its path included. */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** An SQS queue URL's path: `/<account>/<queue name>` (a FIFO queue's name ends in `.fifo`). */
const QUEUE_PATH = /^\/\d{12}\/[\w-]{1,80}(?:\.fifo)?$/;

/**
 * Validates the environment once. The settings the construct's props also carry (Regions, grace, reminders, the
 * Slack secret) are checked by the one schema both use (`SharedSettings`), so a value the stack accepts is one the
 * functions accept.
 * @throws {ConfigError} naming the variable and what it must be
 */
export function loadConfig(env: Env): Config {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const shared = checkSharedSettings(
    {
      regions: mapDefined(text(ENV.regions), splitList),
      graceSeconds: mapDefined(text(ENV.graceSeconds), numberOrText) ?? GRACE_SECONDS.default,
      reminderHours: mapDefined(text(ENV.reminderHours), numberOrText),
      slackWebhookSecretArn: text(ENV.slackWebhookSecretArn),
    },
    (key) => ENV[key],
  );
  return {
    regions: shared.regions,
    alertTopicArn: text(ENV.alertTopicArn),
    slackWebhookSecretArn: shared.slackWebhookSecretArn,
    slackWebhookUrl: text(ENV.slackWebhookUrl),
    alertTableName: text(ENV.alertTableName),
    graceQueueUrl: text(ENV.graceQueueUrl),
    graceSeconds: shared.graceSeconds,
    reminderHours: shared.reminderHours,
    memberReadRoleName: checked(
      text(ENV.memberReadRoleName),
      ENV.memberReadRoleName,
      (value) => ROLE_NAME.test(value),
      'an IAM role name (up to 64 letters, digits and +=,.@_-)',
    ),
    accountQueueUrl: checked(
      text(ENV.accountQueueUrl),
      ENV.accountQueueUrl,
      isQueueUrl,
      'an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)',
    ),
    organizationListRoleArn: checked(
      text(ENV.organizationListRoleArn),
      ENV.organizationListRoleArn,
      (value) => ROLE_ARN.test(value),
      'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    ),
  };
}

/** `value` when it is absent or passes `valid`; else a {@link ConfigError} naming `variable` and what it must be. */
function checked(
  value: string | undefined,
  variable: string,
  valid: (value: string) => boolean,
  rule: string,
): string | undefined {
  if (value === undefined || valid(value)) return value;
  throw new ConfigError(variable, `${variable} must be ${rule}, not ${JSON.stringify(value)}.`);
}

/** An http(s) URL whose path is an SQS queue's (an endpoint other than SQS's own, a local one, is allowed). */
function isQueueUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && QUEUE_PATH.test(url.pathname);
  } catch {
    return false;
  }
}

/** `a,b,c` (a flag, an option, a context value) → the Region names, validated; `undefined` when not given. */
export function parseRegions(value: string | undefined, source: string): string[] | undefined {
  if (value === undefined) return undefined;
  const regions = splitList(value);
  const invalid = regions.filter((region) => !REGION_NAME.test(region));
  if (regions.length === 0 || invalid.length > 0) {
    throw new UsageError(
      `${source}: ${invalid.length > 0 ? `not a Region name: ${invalid.join(', ')}` : 'no Region given'}. ` +
        'Give Region codes separated by commas, e.g. us-east-1,eu-west-1.',
    );
  }
  return regions;
}

/** `a, b,,a` → `['a', 'b']`: each item once, trimmed, blanks dropped. */
function splitList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

/** A number when the text is one; else the text itself, for the schema to refuse and quote. */
function numberOrText(value: string): number | string {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : value;
}

function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}
