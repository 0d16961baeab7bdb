import type { Notification } from '../../core/alert-types.js';
import type { Notifier } from '../../core/ports.js';
import { type SlackDeliveryOptions, SlackWebhookDelivery } from './delivery.js';
import { describeChain, SlackDeliveryError } from './errors.js';
import { renderSlackMessage, type SlackRenderOptions } from './message.js';

export interface SlackNotifierOptions extends SlackDeliveryOptions {
  /** See {@link SlackRenderOptions.consoleUrl}. */
  readonly consoleUrl?: SlackRenderOptions['consoleUrl'];
}

/**
 * Posts each notification to a Slack incoming webhook as Block Kit.
 *
 * Delivery is at most once per `send`: a message is sent again within the same `send` only when Slack certainly
 * did not post it — it answered 429 (waiting `Retry-After`), 408 or a 5xx of its own, or the connection could not
 * be made. When the request went out and no answer says what became of it (a timeout, a connection closed or
 * reset afterwards, a gateway's 502 or 504), it throws a {@link SlackDeliveryError} whose `outcome` is `unknown`:
 * the caller records the channel as undelivered and a later run retries it (at worst one duplicate per run,
 * instead of one per attempt). A refusal that cannot get better (a bad payload, a deleted or archived channel, a
 * revoked webhook) throws at once.
 *
 * One `send` takes at most `budgetMs` (15 s), measured on the given clock: each attempt's timeout is capped by
 * what is left, and a back-off or `Retry-After` wait that would leave less than a short attempt is not taken.
 *
 * The webhook URL is a secret (safety invariant 6): it, its path and every path segment after Slack's fixed
 * `/services/` prefix, whatever their length, and its query are removed from everything this class logs or
 * throws, including Slack's answers and the errors of `fetch`, which can quote the URL. A URL given as a function
 * (e.g. read from Secrets Manager) is fetched on first use and kept.
 * @see https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * @example
 * const notifier = new SlackNotifier(() => readWebhookUrl(secrets, secretArn), { logger, clock });
 * await notifier.send(notification);
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly delivery: SlackWebhookDelivery;
  private webhookUrl: Promise<string> | undefined;

  constructor(
    private readonly urlSource: string | (() => Promise<string>),
    private readonly options: SlackNotifierOptions = {},
  ) {
    this.delivery = new SlackWebhookDelivery(options);
  }

  async send(notification: Notification): Promise<void> {
    const url = await this.url();
    const body = JSON.stringify(renderSlackMessage(notification, { consoleUrl: this.options.consoleUrl }));
    await this.delivery.deliver(url, body);
  }

  /** The webhook URL, fetched once when given as a function. A failure is not kept: the next send asks again. */
  private url(): Promise<string> {
    const source = this.urlSource;
    if (typeof source === 'string') return Promise.resolve(source);
    this.webhookUrl ??= Promise.resolve()
      .then(source)
      .then((url) => {
        if (typeof url !== 'string' || url.trim() === '') throw new Error('the webhook URL is empty');
        return url.trim();
      })
      .catch((err: unknown) => {
        this.webhookUrl = undefined;
        throw new SlackDeliveryError(
          `Could not get the Slack webhook URL: ${describeChain(err)}`,
          {
            attempts: 0,
            retryable: true,
            hint: 'check the secret that holds the webhook URL and access to it',
          },
          { cause: err },
        );
      });
    return this.webhookUrl;
  }
}
