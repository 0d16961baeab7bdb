import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SlackNotifier } from '../adapters/slack/notifier.js';
import { readWebhookUrl } from '../adapters/slack/webhook-secret.js';
import { SnsNotifier } from '../adapters/sns/notifier.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { parseArn } from '../core/arn.js';
import type {
  AccountAccess,
  AccountReader,
  AccountRegister,
  AlertStore,
  Notifier,
  RecheckScheduler,
} from '../core/ports.js';
import type { ReconcileDeps, ReconcileLog } from '../reconcile/reconcile.js';

/** Builds the channels' SDK clients, for a Region (`undefined`: the SDK's chain). The CLI gives its own. */
export interface NotifierClients {
  readonly sns?: ((region: string | undefined) => SNSClient) | undefined;
  readonly secretsManager?: ((region: string | undefined) => SecretsManagerClient) | undefined;
}

/** The channels the configuration names: SNS when a topic is set, Slack when a webhook (or its secret) is. */
function createNotifiers(
  config: Config,
  log: ReconcileLog,
  clock: Clock,
  clients: NotifierClients = {},
): Notifier[] {
  const notifiers: Notifier[] = [];
  const sns = clients.sns ?? ((region) => new SNSClient({ region }));
  const secretsManager = clients.secretsManager ?? ((region) => new SecretsManagerClient({ region }));
  if (config.alertTopicArn) {
    notifiers.push(new SnsNotifier(sns(regionOfArn(config.alertTopicArn)), config.alertTopicArn));
  }
  if (config.slackWebhookUrl) {
    notifiers.push(new SlackNotifier(config.slackWebhookUrl, { logger: log, clock }));
  } else if (config.slackWebhookSecretArn) {
    const secretArn = config.slackWebhookSecretArn;
    const secrets = secretsManager(regionOfArn(secretArn));
    notifiers.push(new SlackNotifier(() => readWebhookUrl(secrets, secretArn), { logger: log, clock }));
  }
  return notifiers;
}

/**
 * The same reconcile dependencies for the Lambda and the CLI; only the reader (the CLI can list the enabled
 * Regions, the Lambda is always told them), the store and the re-check differ. `readerFor` and `register` are the
 * Lambda's (see `ReconcileDeps`): without them, every request is read with `reader`, as the CLI does.
 */
export function createReconcileDeps(
  config: Config,
  parts: {
    reader: AccountReader;
    readerFor?: ((account: string) => Promise<AccountAccess>) | undefined;
    store: AlertStore;
    register?: AccountRegister | undefined;
    recheck?: RecheckScheduler | undefined;
    log: ReconcileLog;
    clock: Clock;
    clients?: NotifierClients | undefined;
  },
): ReconcileDeps {
  return {
    reader: parts.reader,
    ...(parts.readerFor ? { readerFor: parts.readerFor } : {}),
    store: parts.store,
    ...(parts.register ? { register: parts.register } : {}),
    notifiers: createNotifiers(config, parts.log, parts.clock, parts.clients),
    recheck: parts.recheck,
    clock: parts.clock,
    log: parts.log,
    regions: config.regions,
    graceSeconds: config.graceSeconds,
    reminderHours: config.reminderHours,
  };
}

/** `arn:aws:sns:eu-west-1:…` → `eu-west-1`; `undefined` lets the SDK's Region chain decide. */
function regionOfArn(arn: string): string | undefined {
  return parseArn(arn)?.region || undefined;
}
