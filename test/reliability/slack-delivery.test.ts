import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackDeliveryError } from '../../functions/adapters/slack/errors.js';
import { SlackNotifier } from '../../functions/adapters/slack/notifier.js';
import type { Notification } from '../../functions/core/alert-types.js';
import { testClock } from '../support/clock.js';
import { ACCOUNT, OBSERVED_AT } from '../support/reads.js';

/**
 * What one `send` does for each way Slack (or the network to it) can behave: how many requests reach Slack, and
 * what the caller learns. The policy: retry at once only when Slack certainly did not post the message; when it
 * may have (a timeout, a connection lost after the request went out, a gateway that lost Slack's answer), fail
 * with the outcome unknown and leave the retry to the next run — a late retry is better than a duplicate.
 */

const PATH = '/services/T0001/B0001/XoXoSeCrEtToKeN4f1a9c2b7e5d';
const MAX_ATTEMPTS = 3;
/** For the cases about the attempt timeout (Slack hangs or answers late): short, so that they cost little real time. */
const ATTEMPT_TIMEOUT_MS = 150;
/**
 * For every other case: a local answer comes long before it, however loaded the machine, so that a slow test run
 * never turns an answer into a timeout.
 */
const ANSWER_TIMEOUT_MS = 10_000;

type Outcome = 'delivered' | 'failed-certainly' | 'failed-unknown';
type Responder = (request: IncomingMessage, response: ServerResponse) => void;

const answer =
  (status: number, body = '', headers: Record<string, string> = {}): Responder =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain', ...headers });
    response.end(body);
  };
const hang: Responder = () => {};
const timers: NodeJS.Timeout[] = [];
const late =
  (ms: number, respond: Responder): Responder =>
  (request, response) =>
    void timers.push(setTimeout(() => respond(request, response), ms));
/** Reads the whole request, then closes the connection without a word. */
const closeAfterRequest: Responder = (request) => request.socket.destroy();
/** Reads the whole request, then resets the connection (TCP RST). */
const resetAfterRequest: Responder = (request) => request.socket.resetAndDestroy();

const httpServers: Server[] = [];
const tcpServers: TcpServer[] = [];

interface Endpoint {
  readonly url: string;
  /** Requests Slack read in full (it may have posted each). */
  requests(): number;
  /** TCP connections accepted, whether a request followed or not. */
  connections(): number;
}

async function listening(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Answers the n-th request with the n-th responder; the last one repeats. */
async function slack(...responders: Responder[]): Promise<Endpoint> {
  let requests = 0;
  let connections = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      responders[Math.min(requests, responders.length) - 1]?.(request, response);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  httpServers.push(server);
  const port = await listening(server);
  return { url: `http://127.0.0.1:${port}${PATH}`, requests: () => requests, connections: () => connections };
}

/** A port nobody listens on: the connection is refused. */
async function refused(): Promise<Endpoint> {
  const server = createTcpServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return { url: `http://127.0.0.1:${port}${PATH}`, requests: () => 0, connections: () => 0 };
}

/** Accepts the TCP connection and resets it at once, before any request could be read. */
async function resetOnConnect(): Promise<Endpoint> {
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    socket.resetAndDestroy();
  });
  tcpServers.push(server);
  const port = await listening(server);
  return { url: `http://127.0.0.1:${port}${PATH}`, requests: () => 0, connections: () => connections };
}

afterEach(async () => {
  for (const timer of timers.splice(0)) clearTimeout(timer);
  for (const server of httpServers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const server of tcpServers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

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
      remediation: 'Create the service-linked role.',
    },
  };
}

interface Row {
  readonly endpoint: () => Promise<Endpoint>;
  /** Requests Slack reads in full. */
  readonly requests: number;
  /** Attempts the notifier makes (a refused connection is an attempt that no request came of). */
  readonly attempts: number;
  readonly outcome: Outcome;
  readonly retryable?: boolean;
  readonly message?: RegExp;
  /** The per-attempt timeout, when the case is about it. @default ANSWER_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

const table: Record<string, Row> = {
  '200 ok': { endpoint: () => slack(answer(200, 'ok')), requests: 1, attempts: 1, outcome: 'delivered' },
  '500, then 200': {
    endpoint: () => slack(answer(500, 'internal_error'), answer(200, 'ok')),
    requests: 2,
    attempts: 2,
    outcome: 'delivered',
  },
  '503, then 200': {
    endpoint: () => slack(answer(503, 'service_unavailable'), answer(200, 'ok')),
    requests: 2,
    attempts: 2,
    outcome: 'delivered',
  },
  '500 every time': {
    endpoint: () => slack(answer(500, 'internal_error')),
    requests: MAX_ATTEMPTS,
    attempts: MAX_ATTEMPTS,
    outcome: 'failed-certainly',
    retryable: true,
    message: /failed after 3 attempts: HTTP 500 internal_error/,
  },
  '429 Retry-After 1, then 200': {
    endpoint: () => slack(answer(429, 'rate_limited', { 'retry-after': '1' }), answer(200, 'ok')),
    requests: 2,
    attempts: 2,
    outcome: 'delivered',
  },
  '429 Retry-After 30 (beyond the 15 s budget)': {
    endpoint: () => slack(answer(429, 'rate_limited', { 'retry-after': '30' })),
    requests: 1,
    attempts: 1,
    outcome: 'failed-certainly',
    retryable: true,
    message: /Slack asked to wait 30 s \(Retry-After\)/,
  },
  "502 (a gateway lost Slack's answer)": {
    endpoint: () => slack(answer(502, 'bad gateway'), answer(200, 'ok')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-unknown',
    retryable: true,
    message: /outcome unknown/,
  },
  '504 (a gateway timed out waiting for Slack)': {
    endpoint: () => slack(answer(504, 'gateway timeout'), answer(200, 'ok')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-unknown',
    retryable: true,
    message: /outcome unknown/,
  },
  'hangs (no answer)': {
    endpoint: () => slack(hang),
    timeoutMs: ATTEMPT_TIMEOUT_MS,
    requests: 1,
    attempts: 1,
    outcome: 'failed-unknown',
    retryable: true,
    message: /did not answer within 150 ms.*outcome unknown|outcome unknown.*did not answer within 150 ms/,
  },
  '200 after the attempt timeout (slow Slack)': {
    endpoint: () => slack(late(400, answer(200, 'ok'))),
    timeoutMs: ATTEMPT_TIMEOUT_MS,
    requests: 1,
    attempts: 1,
    outcome: 'failed-unknown',
    retryable: true,
    message: /outcome unknown/,
  },
  'closes the connection after reading the request': {
    endpoint: () => slack(closeAfterRequest, answer(200, 'ok')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-unknown',
    retryable: true,
    message: /outcome unknown/,
  },
  'resets the connection after reading the request': {
    endpoint: () => slack(resetAfterRequest, answer(200, 'ok')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-unknown',
    retryable: true,
    message: /outcome unknown/,
  },
  'connection refused': {
    endpoint: refused,
    requests: 0,
    attempts: MAX_ATTEMPTS,
    outcome: 'failed-certainly',
    retryable: true,
    message: /failed after 3 attempts: network error.*ECONNREFUSED/,
  },
  'connection reset before the request was sent': {
    endpoint: resetOnConnect,
    requests: 0,
    attempts: MAX_ATTEMPTS,
    outcome: 'failed-certainly',
    retryable: true,
    message: /failed after 3 attempts: network error/,
  },
  '400 invalid_payload': {
    endpoint: () => slack(answer(400, 'invalid_payload')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-certainly',
    retryable: false,
    message: /Slack refused the message: HTTP 400 invalid_payload/,
  },
  '403 action_prohibited': {
    endpoint: () => slack(answer(403, 'action_prohibited')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-certainly',
    retryable: false,
  },
  '404 channel_not_found': {
    endpoint: () => slack(answer(404, 'channel_not_found')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-certainly',
    retryable: false,
    message: /create a new webhook/,
  },
  '410 channel_is_archived': {
    endpoint: () => slack(answer(410, 'channel_is_archived')),
    requests: 1,
    attempts: 1,
    outcome: 'failed-certainly',
    retryable: false,
    message: /create a new webhook/,
  },
};

describe('Slack delivery: behaviour × outcome', () => {
  it.each(Object.entries(table))('%s', async (_behaviour, row) => {
    // Prepare
    const endpoint = await row.endpoint();
    const clock = testClock();
    const notifier = new SlackNotifier(endpoint.url, {
      clock,
      timeoutMs: row.timeoutMs ?? ANSWER_TIMEOUT_MS,
      budgetMs: 15_000,
      maxAttempts: MAX_ATTEMPTS,
    });

    // Act
    const error = await notifier.send(notification()).then(
      () => undefined,
      (err: unknown) => err,
    );

    // Assess
    expect(endpoint.requests()).toBe(row.requests);
    if (row.outcome === 'delivered') {
      expect(error).toBeUndefined();
      return;
    }
    expect(error).toBeInstanceOf(SlackDeliveryError);
    const failure = error as SlackDeliveryError;
    expect(failure.outcome).toBe(row.outcome === 'failed-unknown' ? 'unknown' : 'not-delivered');
    expect(failure.attempts).toBe(row.attempts);
    if (row.retryable !== undefined) expect(failure.retryable).toBe(row.retryable);
    if (row.message) expect(failure.message).toMatch(row.message);
    expect(failure.message).not.toContain('XoXoSeCrEtToKeN4f1a9c2b7e5d');
  });

  it('tries a connection reset before the request once per attempt', async () => {
    // Prepare
    const endpoint = await resetOnConnect();

    // Act
    await notifierFor(endpoint)
      .send(notification())
      .catch(() => undefined);

    // Assess
    expect(endpoint.connections()).toBe(MAX_ATTEMPTS);
  });
});

function notifierFor(endpoint: Endpoint): SlackNotifier {
  return new SlackNotifier(endpoint.url, {
    clock: testClock(),
    timeoutMs: ANSWER_TIMEOUT_MS,
    maxAttempts: MAX_ATTEMPTS,
  });
}
