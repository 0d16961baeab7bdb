import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_DEFAULTS } from '../../../functions/adapters/slack/delivery.js';
import { SlackDeliveryError } from '../../../functions/adapters/slack/errors.js';
import { renderSlackMessage } from '../../../functions/adapters/slack/message.js';
import { SlackNotifier } from '../../../functions/adapters/slack/notifier.js';
import { testClock } from '../../support/clock.js';
import { notification } from '../../support/notifications.js';

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
const timers: NodeJS.Timeout[] = [];

/** A webhook endpoint on 127.0.0.1 that answers the n-th request with the n-th responder (the last one repeats). */
async function slackStub(...responders: Responder[]): Promise<SlackStub> {
  return slackStubAt(WEBHOOK_PATH, ...responders);
}

async function slackStubAt(path: string, ...responders: Responder[]): Promise<SlackStub> {
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
  return { url: `http://127.0.0.1:${port}${path}`, received };
}

const answer =
  (status: number, body: string, headers: Record<string, string> = {}): Responder =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain', ...headers });
    response.end(body);
  };
const never: Responder = () => {};
/** Answers as told, but only after `ms` of real time (longer than the notifier's attempt timeout). */
const late =
  (ms: number, respond: Responder): Responder =>
  (request, response) =>
    void timers.push(setTimeout(() => respond(request, response), ms));

/** A test clock: the delays asked for are recorded instead of waited. */
function recordingSleep() {
  const clock = testClock();
  return { delays: clock.sleeps, clock };
}

function recordingLogger() {
  const calls: unknown[][] = [];
  return { calls, warn: (...args: unknown[]) => void calls.push(args) };
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
  for (const timer of timers.splice(0)) clearTimeout(timer);
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SlackNotifier', () => {
  it('posts the Block Kit message as JSON and resolves on 200 ok', async () => {
    // Prepare
    const slack = await slackStub(answer(200, 'ok'));
    const { delays, clock } = recordingSleep();
    const notifier = new SlackNotifier(slack.url, { clock });

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
    const { delays, clock } = recordingSleep();
    const logger = recordingLogger();
    const notifier = new SlackNotifier(slack.url, { clock, logger });

    // Act
    await notifier.send(notification());

    // Assess
    expect(slack.received).toHaveLength(2);
    expect(delays).toEqual([1000]);
    expect(logger.calls).toHaveLength(1);
    expect(logger.calls[0]?.[1]).toMatchObject({ attempt: 1, status: 429, delayMs: 1000 });
  });

  it('does not wait out a Retry-After that would overrun the budget, and names the wait', async () => {
    // Prepare
    const slack = await slackStub(answer(429, 'rate_limited', { 'retry-after': '30' }), answer(200, 'ok'));
    const clock = testClock();
    const logger = recordingLogger();

    // Act
    const error = await failureOf(
      new SlackNotifier(slack.url, { clock, logger, budgetMs: 15_000 }).send(notification()),
    );

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(error).toMatchObject({ status: 429, attempts: 1, retryable: true, outcome: 'not-delivered' });
    expect(error.message).toMatch(/Slack asked to wait 30 s \(Retry-After\)/);
    expect(error.message).toMatch(/15 s budget/);
    expect(logger.calls).toEqual([]);
  });

  it('does not wait out an hour-long Retry-After either', async () => {
    // Prepare
    const slack = await slackStub(answer(429, 'rate_limited', { 'retry-after': '3600' }), answer(200, 'ok'));
    const clock = testClock();

    // Act
    const error = await failureOf(new SlackNotifier(slack.url, { clock }).send(notification()));

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(error.message).toMatch(/Slack asked to wait 3600 s/);
  });

  it('retries a 500 at once (Slack answered: the message was not posted) and delivers', async () => {
    // Prepare
    const slack = await slackStub(answer(500, 'internal_error'), answer(200, 'ok'));
    const clock = testClock();

    // Act
    await new SlackNotifier(slack.url, { clock }).send(notification());

    // Assess
    expect(slack.received).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('retries 5xx with growing, jittered delays and throws after the last attempt', async () => {
    // Prepare
    const slack = await slackStub(answer(500, 'internal_error'));
    const { delays, clock } = recordingSleep();

    // Act
    const error = await failureOf(
      new SlackNotifier(slack.url, { clock, maxAttempts: 3 }).send(notification()),
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
    const { delays, clock } = recordingSleep();

    // Act
    const error = await failureOf(new SlackNotifier(slack.url, { clock }).send(notification()));

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(error).toMatchObject({ status, slackError, attempts: 1, retryable: false });
    expect(error.hint).toMatch(hint);
    expect(error.message).toContain(`HTTP ${status} ${slackError}`);
    expect(error.message).toMatch(hint);
  });

  it('does not resend after a timeout: Slack may have posted it; the outcome is unknown', async () => {
    // Prepare
    const slack = await slackStub(never);
    const clock = testClock();

    // Act
    const error = await failureOf(
      new SlackNotifier(slack.url, { clock, timeoutMs: 200, maxAttempts: 2 }).send(notification()),
    );

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(error).toMatchObject({ status: undefined, attempts: 1, retryable: true, outcome: 'unknown' });
    expect(error.message).toContain('did not answer within 200 ms');
    expect(error.message).toMatch(/outcome unknown/);
  });

  it('sends a slow Slack (200 after the attempt timeout) the message once, not once per attempt', async () => {
    // Prepare
    const slack = await slackStub(late(300, answer(200, 'ok')));
    const clock = testClock();
    const logger = recordingLogger();

    // Act
    const error = await failureOf(
      new SlackNotifier(slack.url, { clock, logger, timeoutMs: 100, maxAttempts: 3 }).send(notification()),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));

    // Assess
    expect(slack.received).toHaveLength(1);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ attempts: 1, retryable: true, outcome: 'unknown' });
    expect(error.message).toMatch(/outcome unknown/);
    expect(logger.calls).toEqual([]);
  });

  interface Answer {
    readonly status: number;
    readonly retryAfter: number | null;
  }
  /** The n-th answer (1-based); the last one repeats. */
  const answerAt = (answers: readonly Answer[], n: number): Answer =>
    answers[Math.min(n, answers.length) - 1] ?? { status: 200, retryAfter: null };

  describe('one time budget per send', () => {
    it('caps the first attempt timeout at the budget', async () => {
      // Prepare
      const slack = await slackStub(never);
      const clock = testClock();

      // Act
      const error = await failureOf(
        new SlackNotifier(slack.url, { clock, timeoutMs: 5000, budgetMs: 150 }).send(notification()),
      );

      // Assess
      expect(slack.received).toHaveLength(1);
      expect(error.message).toContain('did not answer within 150 ms');
    });

    it('caps a later attempt timeout at what the waits left of the budget', async () => {
      // Prepare
      const slack = await slackStub(answer(429, 'rate_limited', { 'retry-after': '0.8' }), never);
      const clock = testClock();

      // Act
      const error = await failureOf(
        new SlackNotifier(slack.url, { clock, timeoutMs: 5000, budgetMs: 1000, minAttemptMs: 50 }).send(
          notification(),
        ),
      );

      // Assess
      expect(clock.sleeps).toEqual([800]);
      expect(slack.received).toHaveLength(2);
      expect(error).toMatchObject({ attempts: 2, outcome: 'unknown' });
      expect(error.message).toContain('did not answer within 200 ms');
    });

    it('measures the budget on the given clock, time spent in requests included', async () => {
      // Prepare: each request takes 7 s of the clock's time (a fake fetch moves it); the budget is 15 s
      const clock = testClock();
      let requests = 0;
      const fetch = (async () => {
        requests += 1;
        clock.tick(7000);
        return new Response('internal_error', { status: 500 });
      }) as typeof globalThis.fetch;

      // Act
      const error = await failureOf(
        new SlackNotifier('https://hooks.slack.test/services/T1/B1/x', {
          clock,
          fetch,
          timeoutMs: 8000,
          budgetMs: 15_000,
          maxAttempts: 5,
        }).send(notification()),
      );

      // Assess: 7 s + back-off + 7 s leaves less than an attempt's worth of budget
      expect(requests).toBe(2);
      expect(error).toMatchObject({ status: 500, attempts: 2, outcome: 'not-delivered', retryable: true });
      expect(error.message).toMatch(/budget/);
    });

    it('never waits, in all, more than the budget, nor starts an attempt without time for it', () =>
      fc.assert(
        fc.asyncProperty(
          fc.record({
            budgetMs: fc.integer({ min: 500, max: 60_000 }),
            timeoutMs: fc.integer({ min: 100, max: 10_000 }),
            maxAttempts: fc.integer({ min: 1, max: 8 }),
            answers: fc.array(
              fc.oneof(
                fc.constantFrom(500, 503, 408, 200).map((status): Answer => ({ status, retryAfter: null })),
                fc
                  .option(fc.integer({ min: 0, max: 60 }))
                  .map((retryAfter): Answer => ({ status: 429, retryAfter })),
              ),
              { minLength: 1, maxLength: 10 },
            ),
            latencyMs: fc.integer({ min: 0, max: 50 }),
          }),
          async ({ budgetMs, timeoutMs, maxAttempts, answers, latencyMs }) => {
            const clock = testClock();
            const start = clock.now().getTime();
            const startedAt: number[] = [];
            const fetch = (async () => {
              startedAt.push(clock.now().getTime() - start);
              const next = answerAt(answers, startedAt.length);
              clock.tick(latencyMs);
              const headers: Record<string, string> =
                next.retryAfter === null ? {} : { 'retry-after': String(next.retryAfter) };
              return new Response(next.status === 200 ? 'ok' : 'trouble', { status: next.status, headers });
            }) as typeof globalThis.fetch;
            const notifier = new SlackNotifier('https://hooks.slack.test/services/T1/B1/x', {
              clock,
              fetch,
              budgetMs,
              timeoutMs,
              maxAttempts,
            });

            const error = await notifier.send(notification()).then(
              () => undefined,
              (err: unknown) => err,
            );

            const minAttemptMs = Math.min(timeoutMs, SLACK_DEFAULTS.minAttemptMs);
            const elapsed = clock.now().getTime() - start;
            const waited = clock.sleeps.reduce((sum, ms) => sum + ms, 0);
            expect(waited).toBeLessThanOrEqual(budgetMs);
            expect(elapsed).toBeLessThanOrEqual(budgetMs);
            expect(startedAt.length).toBeLessThanOrEqual(maxAttempts);
            for (const at of startedAt.slice(1)) expect(budgetMs - at).toBeGreaterThanOrEqual(minAttemptMs);
            if (error === undefined) return;
            expect(error).toBeInstanceOf(SlackDeliveryError);
            const last = answerAt(answers, startedAt.length);
            if (last.status === 429 && last.retryAfter !== null && startedAt.length < maxAttempts) {
              // Stopped before the last attempt: only because Slack's wait did not fit in the budget.
              expect(budgetMs - elapsed - last.retryAfter * 1000).toBeLessThan(minAttemptMs);
              expect((error as Error).message).toContain(
                `Slack asked to wait ${last.retryAfter} s (Retry-After)`,
              );
            }
          },
        ),
        { numRuns: 200 },
      ));
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
      const { clock } = recordingSleep();
      const notifier = new SlackNotifier(url, { clock, logger, timeoutMs: 200, maxAttempts: 2 });

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
      const { delays, clock } = recordingSleep();

      // Act
      const error = await failureOf(
        new SlackNotifier(`http://[::1${WEBHOOK_PATH}`, { clock }).send(notification()),
      );

      // Assess
      expect(error).toMatchObject({ retryable: false, attempts: 1, outcome: 'not-delivered' });
      expect(error.message).toMatch(/invalid webhook URL/);
      expect(error.message).toContain('[webhook URL]');
      expect(delays).toEqual([]);
    });
  });

  describe('redacts every part of the webhook URL after the host, whatever its length', () => {
    const echoes: [string, (path: string, secret: string, host: string) => string][] = [
      ['the last path segment alone', (_path, secret) => `invalid_token ${secret}`],
      [
        'the secret inside JSON',
        (_path, secret) => JSON.stringify({ ok: false, error: 'invalid_token', token: secret }),
      ],
      ['the full URL', (path, _secret, host) => `invalid_token for http://${host}${path}`],
      ['the URL-encoded path', (path) => `invalid_token for ${encodeURIComponent(path)}`],
      [
        'the path with escaped slashes',
        (path) => `{"error":"invalid_token","path":"${path.replaceAll('/', '\\/')}"}`,
      ],
      ['the team and hook ids', () => 'invalid_token for team T0001 hook B0001'],
    ];
    const secrets: [string, string][] = [
      ['a 1-character secret', 'Q'],
      ['a 4-character secret', 'Zq9X'],
      ['a 12-character secret', 'SECRETSECRET'],
    ];
    const cases = secrets.flatMap(([secretLabel, secret]) =>
      echoes.map(
        ([echoLabel, echo]) => [`${secretLabel}, Slack echoing ${echoLabel}`, secret, echo] as const,
      ),
    );

    it.each(cases)('%s', async (_label, secret, echo) => {
      // Prepare: a 500 echoing the secret (logged, then retried), then a 400 echoing it (thrown)
      const path = `/services/T0001/B0001/${secret}`;
      const echoing =
        (status: number): Responder =>
        (request, response) => {
          response.writeHead(status, { 'content-type': 'text/plain' });
          response.end(echo(path, secret, request.headers.host ?? ''));
        };
      const slack = await slackStubAt(path, echoing(500), echoing(400));
      const logger = recordingLogger();
      const clock = testClock();

      // Act
      const error = await failureOf(new SlackNotifier(slack.url, { clock, logger }).send(notification()));

      // Assess
      expect(slack.received).toHaveLength(2);
      expect(logger.calls).toHaveLength(1);
      const shown = {
        message: error.message,
        string: String(error),
        stack: error.stack ?? '',
        inspected: everythingIn(error),
        slackError: error.slackError ?? '',
        logged: inspect(logger.calls, { depth: 10 }),
      };
      for (const [where, text] of Object.entries(shown)) {
        expect(text, where).not.toContain(secret);
        expect(text, where).not.toContain('T0001');
        expect(text, where).not.toContain('B0001');
        expect(text, where).not.toContain(slack.url);
        expect(text, where).not.toContain(encodeURIComponent(path));
      }
      expect(error).toMatchObject({ status: 400, outcome: 'not-delivered', retryable: false });
      expect(error.message).toMatch(/\[redacted\]|\[webhook URL\]/);
      expect(shown.logged).toMatch(/\[redacted\]|\[webhook URL\]/);
    });

    it("keeps Slack's fixed /services/ prefix readable, and redacts a query string", async () => {
      // Prepare
      const path = '/services/T0001/B0001/X9?token=abc';
      const slack = await slackStubAt(path, (_request, response) => {
        response.writeHead(404).end('no_service: no such /services/ hook; token=abc, abc');
      });

      // Act
      const error = await failureOf(
        new SlackNotifier(slack.url, { clock: testClock() }).send(notification()),
      );

      // Assess
      expect(error.message).toContain('no_service: no such /services/ hook; [redacted], [redacted]');
      expect(error.message).not.toContain('abc');
      expect(error.message).not.toContain('token=abc');
    });

    it('redacts a one-segment path (nothing is known to be public there)', async () => {
      // Prepare
      const slack = await slackStubAt('/hook', (_request, response) => {
        response.writeHead(400).end('invalid_token hook');
      });

      // Act
      const error = await failureOf(
        new SlackNotifier(slack.url, { clock: testClock() }).send(notification()),
      );

      // Assess
      expect(error.message).toContain('invalid_token [redacted]');
    });
  });
});
