import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackDeliveryError, SlackNotifier } from '../../functions/adapters/slack-notifier.js';
import type { Notification } from '../../functions/core/alert-types.js';
import { renderSlackMessage } from '../../functions/core/render-slack.js';
import { ACCOUNT, OBSERVED_AT } from '../support/reads.js';

const SECRET = 'XoXoSeCrEtToKeN4f1a9c2b7e5d';
const WEBHOOK_PATH = `/services/T0001/B0001/${SECRET}`;

type Responder = (request: IncomingMessage, response: ServerResponse) => void;

interface Received {
  readonly path: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

interface SlackStub {
  readonly url: string;
  readonly received: Received[];
}

const servers: Server[] = [];

/** A webhook endpoint on 127.0.0.1 that answers the n-th request with the n-th responder (the last one repeats). */
async function slackStub(...responders: Responder[]): Promise<SlackStub> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url,
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const respond = responders[Math.min(received.length, responders.length) - 1];
      respond?.(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, received };
}

const answer =
  (status: number, body: string, headers: Record<string, string> = {}): Responder =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain', ...headers });
    response.end(body);
  };
const never: Responder = () => {};

/** Records the delays asked for instead of waiting. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

function recordingLogger() {
  const calls: unknown[][] = [];
  return { calls, warn: (...args: unknown[]) => void calls.push(args) };
}

function notification(): Notification {
  return {
    transition: 'opened',
    account: ACCOUNT,
    observedAt: OBSERVED_AT,
    finding: {
      code: 'ROLE_MISSING',
      severity: 'high',
      message: 'eu-west-1 replicates but the role AWSServiceRoleForECRReplication does not exist.',
      regions: ['eu-west-1'],
      evidence: { getRole: 'NoSuchEntity' },
      remediation:
        'Run `aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com`.',
    },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof SlackDeliveryError)) throw new Error(`expected a SlackDeliveryError, got ${error}`);
  return error;
}

/** Everything an error can show: message, stack, own fields and the whole cause chain. */
function everythingIn(error: unknown): string {
  return inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true });
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SlackNotifier', () => {
  it('posts the Block Kit message as JSON and resolves on 200 ok', async () => {
    // Prepare
    const slack = await slackStub(answer(200, 'ok'));
    const { delays, sleep } = recordingSleep();
    const notifier = new SlackNotifier(slack.url, { sleep });

    // Act
    await notifier.send(notification());

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]?.path).toBe(WEBHOOK_PATH);
    expect(slack.received[0]?.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(slack.received[0]?.body ?? '')).toEqual(
      JSON.parse(JSON.stringify(renderSlackMessage(notification()))),
    );
    expect(delays).toEqual([]);
    expect(notifier.channel).toBe('slack');
  });

  it('waits as long as Retry-After says on 429, then delivers', async () => {
    // Prepare
    const slack = await slackStub(answer(429, 'rate_limited', { 'retry-after': '1' }), answer(200, 'ok'));
    const { delays, sleep } = recordingSleep();
    const logger = recordingLogger();
    const notifier = new SlackNotifier(slack.url, { sleep, logger });

    // Act
    await notifier.send(notification());

    // Assess
    expect(slack.received).toHaveLength(2);
    expect(delays).toEqual([1000]);
    expect(logger.calls).toHaveLength(1);
    expect(logger.calls[0]?.[1]).toMatchObject({ attempt: 1, status: 429, delayMs: 1000 });
  });

  it('caps a long Retry-After at 30 seconds', async () => {
    // Prepare
    const slack = await slackStub(answer(429, 'rate_limited', { 'retry-after': '3600' }), answer(200, 'ok'));
    const { delays, sleep } = recordingSleep();

    // Act
    await new SlackNotifier(slack.url, { sleep }).send(notification());

    // Assess
    expect(delays).toEqual([30_000]);
  });

  it('retries 5xx with growing, jittered delays and throws after the last attempt', async () => {
    // Prepare
    const slack = await slackStub(answer(500, 'internal_error'));
    const { delays, sleep } = recordingSleep();

    // Act
    const error = await failureOf(
      new SlackNotifier(slack.url, { sleep, maxAttempts: 3 }).send(notification()),
    );

    // Assess
    expect(slack.received).toHaveLength(3);
    expect(error).toMatchObject({ status: 500, slackError: 'internal_error', attempts: 3, retryable: true });
    expect(error.message).toMatch(/failed after 3 attempts: HTTP 500 internal_error/);
    expect(delays).toHaveLength(2);
    const [first = 0, second = 0] = delays;
    expect(first).toBeGreaterThanOrEqual(250);
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeGreaterThanOrEqual(500);
    expect(second).toBeLessThanOrEqual(1000);
  });

  it.each([
    [404, 'channel_not_found', /channel was deleted or archived.*create a new webhook/],
    [410, 'channel_is_archived', /channel was deleted or archived.*create a new webhook/],
    [403, 'action_prohibited', /may not post to this channel/],
    [400, 'invalid_payload', /sending it again will not help/],
  ])('throws at once on %i %s, with a hint', async (status, slackError, hint) => {
    // Prepare
    const slack = await slackStub(answer(status, slackError));
    const { delays, sleep } = recordingSleep();

    // Act
    const error = await failureOf(new SlackNotifier(slack.url, { sleep }).send(notification()));

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(error).toMatchObject({ status, slackError, attempts: 1, retryable: false });
    expect(error.hint).toMatch(hint);
    expect(error.message).toContain(`HTTP ${status} ${slackError}`);
    expect(error.message).toMatch(hint);
  });

  it('gives up on a Slack that never answers after its timeout', async () => {
    // Prepare
    const slack = await slackStub(never);
    const { delays, sleep } = recordingSleep();

    // Act
    const error = await failureOf(
      new SlackNotifier(slack.url, { sleep, timeoutMs: 200, maxAttempts: 2 }).send(notification()),
    );

    // Assess
    expect(slack.received).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(error).toMatchObject({ status: undefined, attempts: 2, retryable: true });
    expect(error.message).toContain('did not answer within 200 ms');
  });

  it('fetches a lazily given URL once and keeps it', async () => {
    // Prepare
    const slack = await slackStub(answer(200, 'ok'));
    let lookups = 0;
    const notifier = new SlackNotifier(async () => {
      lookups += 1;
      return slack.url;
    });

    // Act
    await Promise.all([notifier.send(notification()), notifier.send(notification())]);
    await notifier.send(notification());

    // Assess
    expect(lookups).toBe(1);
    expect(slack.received).toHaveLength(3);
  });

  it('throws when the URL cannot be had, and asks again next time', async () => {
    // Prepare
    const slack = await slackStub(answer(200, 'ok'));
    let lookups = 0;
    const notifier = new SlackNotifier(async () => {
      lookups += 1;
      if (lookups === 1) throw new Error('AccessDeniedException: not authorized to GetSecretValue');
      return slack.url;
    });

    // Act
    const error = await failureOf(notifier.send(notification()));
    await notifier.send(notification());

    // Assess
    expect(error.message).toMatch(/Could not get the Slack webhook URL: .*not authorized to GetSecretValue/);
    expect(error.attempts).toBe(0);
    expect(lookups).toBe(2);
    expect(slack.received).toHaveLength(1);
  });

  describe('never reveals the webhook URL', () => {
    async function closedPortUrl(): Promise<string> {
      const slack = await slackStub(never);
      const server = servers.pop();
      await new Promise((resolve) => server?.close(resolve));
      return slack.url;
    }

    const cases: [string, () => Promise<string>][] = [
      [
        'when Slack echoes the URL in its errors',
        async () => {
          const echo: Responder = (request, response) => {
            response.writeHead(500).end(`internal_error at http://${request.headers.host}${request.url}`);
          };
          return (await slackStub(echo)).url;
        },
      ],
      ['when the connection is refused', closedPortUrl],
      ['when fetch cannot parse the URL (its error quotes it)', async () => `http://[::1${WEBHOOK_PATH}`],
      ['when Slack never answers', async () => (await slackStub(never)).url],
    ];

    it.each(cases)('%s', async (_label, webhookUrl) => {
      // Prepare
      const url = await webhookUrl();
      const logger = recordingLogger();
      const { sleep } = recordingSleep();
      const notifier = new SlackNotifier(url, { sleep, logger, timeoutMs: 200, maxAttempts: 2 });

      // Act
      const error = await failureOf(notifier.send(notification()));

      // Assess
      const shown = [
        error.message,
        error.stack ?? '',
        everythingIn(error),
        inspect(logger.calls, { depth: 10 }),
      ];
      for (const text of shown) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(url);
      }
      expect(error.message.length).toBeGreaterThan(0);
    });

    it('says the URL is invalid without retrying', async () => {
      // Prepare
      const { delays, sleep } = recordingSleep();

      // Act
      const error = await failureOf(
        new SlackNotifier(`http://[::1${WEBHOOK_PATH}`, { sleep }).send(notification()),
      );

      // Assess
      expect(error).toMatchObject({ retryable: false, attempts: 1 });
      expect(error.message).toMatch(/invalid webhook URL/);
      expect(error.message).toContain('[webhook URL]');
      expect(delays).toEqual([]);
    });
  });
});
