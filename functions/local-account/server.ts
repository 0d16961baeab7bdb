import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, systemClock } from '../clock.js';
import { REPLICATION_ROLE } from '../core/constants.js';
import {
  type ApiRequest,
  account,
  ec2,
  ecr,
  iam,
  jsonError,
  type Published,
  type Queued,
  queryError,
  restJsonError,
  sns,
  sqs,
  sts,
  type WireResponse,
} from './protocols.js';
import {
  AccountState,
  ApiError,
  DEFAULT_ENABLED_REGIONS,
  DEFAULT_NOT_OPTED_IN,
  type OptInStatus,
  type ReplicationRule,
  trustPolicyFor,
} from './state.js';

/**
 * What a matched call answers instead of its result, as the service itself would word it:
 * - `throttle`, `access-denied`, `server-error`: the service's own code for each (ECR `ThrottlingException`, EC2
 *   `RequestLimitExceeded`, the Account API `TooManyRequestsException`, IAM/STS/SNS `Throttling`…);
 * - `timeout`: no answer at all, until the caller gives up;
 * - `unrecognized-client`: the service's answer to credentials it does not recognize (ECR and the Account API
 *   `UnrecognizedClientException`, EC2 `AuthFailure`, the query services `InvalidClientTokenId`): a bad or expired
 *   token, while the Region's opt-in status stays what it is;
 * - `not-enabled`: the same answer, and when the fault names a Region, that Region is also not enabled as far as
 *   the account's Region lists can tell (EC2 `DescribeRegions` says `not-opted-in`, the Account API `ListRegions`
 *   says `DISABLED`) for as long as the fault stands: a Region the account has not enabled.
 */
export type Fault =
  | 'throttle'
  | 'access-denied'
  | 'server-error'
  | 'timeout'
  | 'unrecognized-client'
  | 'not-enabled';

/** Which calls a fault or a latency applies to; an unset field matches any. */
export interface CallMatch {
  readonly service?: string;
  readonly region?: string;
  readonly operation?: string;
}

export interface Call {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly at: number;
  /** The access key id the request was signed with (from its SigV4 `Credential`): which credentials were used. */
  readonly accessKeyId: string;
}

/** A message the local account received, as a reader would get it: a Slack webhook post or an SNS publish. */
export type ReceivedMessage =
  | { readonly channel: 'slack'; readonly path: string; readonly body: unknown }
  | ({ readonly channel: 'sns' } & Published);

export interface SlackResponse {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Never answer: the caller's timeout has to end the request. */
  readonly hang?: boolean;
}

export interface LocalAccountOptions {
  readonly account?: string;
  /** The account's Regions; names alone are enabled. Default: the 17 default Regions plus 4 not opted in. */
  readonly regions?: readonly (string | { name: string; optInStatus?: OptInStatus })[] | undefined;
  /** Delay before every AWS answer, in ms. */
  readonly latencyMs?: number | undefined;
  readonly port?: number | undefined;
  /** Stamps roles and calls. Default: the system clock. */
  readonly clock?: Clock | undefined;
  /** Told of each Slack message and SNS publish received, as it is received (e.g. to print it). */
  readonly onMessage?: ((message: ReceivedMessage) => void) | undefined;
}

/** The local account: a running endpoint and the handles to shape its state for a scenario. */
export interface LocalAccount {
  readonly url: string;
  readonly accountId: string;
  readonly slackWebhookUrl: string;
  readonly state: AccountState;
  readonly calls: readonly Call[];
  readonly published: readonly Published[];
  /** Messages sent to the queues made with `createQueue`, in order. */
  readonly queued: readonly Queued[];
  readonly slackMessages: readonly { readonly path: string; readonly body: unknown }[];
  resetCalls(): void;
  putReplication(region: string, rules: readonly ReplicationRule[]): void;
  clearReplication(region: string): void;
  createServiceLinkedRole(): void;
  /** Removes a role whatever it is, as drift would (AWS itself would refuse a service-linked one in use). */
  deleteRoleOutOfBand(name: string): void;
  createRole(role: { name: string; path: string; trustedService: string }): void;
  /** Attaches a policy bypassing the protection of service-linked roles, to simulate policy drift. */
  attachPolicy(roleName: string, policyArn: string): void;
  putInlinePolicy(roleName: string, policyName: string): void;
  setRoleLastUsed(date: string, region: string): void;
  createTopic(name: string, region?: string): string;
  /** A queue that accepts `SendMessage`; returns its URL, on this endpoint as SQS's own URLs are on theirs. */
  createQueue(name: string): string;
  setFault(fault: CallMatch & { fault: Fault; times?: number }): void;
  clearFaults(): void;
  setLatency(ms: number, match?: CallMatch): void;
  slackRespond(...responses: SlackResponse[]): void;
  close(): Promise<void>;
}

const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
/** The services that speak AWS JSON (errors in `__type`); the others speak the query protocol (errors in XML). */
const JSON_SERVICES: ReadonlySet<string> = new Set(['ecr', 'sqs']);
/** The services that speak REST-JSON (the operation in the path, the error code in `x-amzn-errortype`). */
const REST_JSON_SERVICES: ReadonlySet<string> = new Set(['account']);

/**
 * Starts the local account on 127.0.0.1: one endpoint for every service, routed by the SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`), so a single `AWS_ENDPOINT_URL` reaches it all.
 * @example
 * const account = await startLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });
 * process.env.AWS_ENDPOINT_URL = account.url;
 */
export async function startLocalAccount(options: LocalAccountOptions = {}): Promise<LocalAccount> {
  const clock = options.clock ?? systemClock;
  const state = new AccountState(
    options.account ?? '123456789012',
    options.regions ?? [
      ...DEFAULT_ENABLED_REGIONS,
      ...DEFAULT_NOT_OPTED_IN.map((name) => ({ name, optInStatus: 'not-opted-in' as const })),
    ],
    clock,
  );
  const calls: Call[] = [];
  const published: Published[] = [];
  const queued: Queued[] = [];
  const slackMessages: { path: string; body: unknown }[] = [];
  const slackQueue: SlackResponse[] = [];
  let faults: (CallMatch & { fault: Fault; times?: number })[] = [];
  let latencies: (CallMatch & { ms: number })[] = options.latencyMs ? [{ ms: options.latencyMs }] : [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.url?.startsWith('/slack/')) return answerSlack(req.url, body, res);

    const request = parseRequest(req, body);
    if (!request) return send(res, { status: 400, headers: {}, body: 'not a signed AWS request' });
    calls.push({
      service: request.service,
      operation: request.operation,
      region: request.region,
      at: clock.now().getTime(),
      accessKeyId: request.accessKeyId,
    });

    const delay = latencies.filter((latency) => matches(latency, request)).reduce((sum, l) => sum + l.ms, 0);
    if (delay > 0) await sleep(delay);

    const fault = faults.find((candidate) => matches(candidate, request));
    if (fault?.times !== undefined && --fault.times <= 0) faults = faults.filter((f) => f !== fault);
    if (fault?.fault === 'timeout') return; // never answered: the caller's timeout ends it, or close() does
    try {
      if (fault) throw faultError(fault.fault, request.service);
      const publishedBefore = published.length;
      send(res, dispatch(request));
      for (const message of published.slice(publishedBefore))
        options.onMessage?.({ channel: 'sns', ...message });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(res, errorResponse(request.service, error));
    }
  }

  /** The account's Regions as its Region lists report them: a `not-enabled` fault naming a Region disables it. */
  function optInStatuses(): ReadonlyMap<string, OptInStatus> {
    const statuses = new Map(state.regions);
    for (const fault of faults) {
      if (fault.fault === 'not-enabled' && fault.region !== undefined)
        statuses.set(fault.region, 'not-opted-in');
    }
    return statuses;
  }

  function dispatch(request: ApiRequest): WireResponse {
    switch (request.service) {
      case 'ecr':
        return ecr(state, request);
      case 'iam':
        return iam(state, request);
      case 'sts':
        return sts(state, request);
      case 'sns':
        return sns(state, request, published);
      case 'ec2':
        return ec2(optInStatuses(), request);
      case 'account':
        return account(optInStatuses(), request);
      case 'sqs':
        return sqs(state, request, queued);
      default:
        throw new ApiError('UnknownService', `The local account does not serve ${request.service}.`);
    }
  }

  async function answerSlack(path: string, body: string, res: ServerResponse): Promise<void> {
    const next = slackQueue.shift() ?? { status: 200, body: 'ok' };
    if (next.hang) return;
    if (next.status >= 200 && next.status < 300) {
      slackMessages.push({ path, body: safeJson(body) });
      options.onMessage?.({ channel: 'slack', path, body: safeJson(body) });
    }
    res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers });
    res.end(next.body ?? '');
  }

  // A port in use (EADDRINUSE) rejects here, for the caller to explain, instead of crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    accountId: state.accountId,
    slackWebhookUrl: `${url}/slack/T000/B000/XXXX`,
    state,
    calls,
    published,
    queued,
    slackMessages,
    resetCalls: () => void calls.splice(0),
    putReplication: (region, rules) => state.putReplication(region, rules),
    clearReplication: (region) => state.putReplication(region, []),
    createServiceLinkedRole: () => void state.createServiceLinkedRole(),
    deleteRoleOutOfBand: (name) => void state.roles.delete(name.toLowerCase()),
    createRole: ({ name, path, trustedService }) =>
      void state.createRole(name, path, trustPolicyFor(trustedService)),
    attachPolicy: (roleName, policyArn) => void state.role(roleName).attached.push(policyArn),
    putInlinePolicy: (roleName, policyName) => void state.role(roleName).inline.set(policyName, '{}'),
    setRoleLastUsed: (date, region) => {
      state.role(REPLICATION_ROLE.name).lastUsed = { date, region };
    },
    createTopic: (name, region = 'us-east-1') => {
      const arn = `arn:aws:sns:${region}:${state.accountId}:${name}`;
      state.topics.add(arn);
      return arn;
    },
    createQueue: (name) => {
      const queueUrl = `${url}/${state.accountId}/${name}`;
      state.queues.add(queueUrl);
      return queueUrl;
    },
    setFault: (fault) => void faults.push({ ...fault }),
    clearFaults: () => {
      faults = [];
    },
    setLatency: (ms, match = {}) => {
      latencies = [...latencies.filter((l) => !sameMatch(l, match)), { ...match, ms }];
    },
    slackRespond: (...responses) => void slackQueue.push(...responses),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseRequest(
  req: IncomingMessage,
  body: string,
): (ApiRequest & { readonly accessKeyId: string }) | undefined {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  if (!scope) return undefined;
  const [, accessKeyId = '', region = '', service = ''] = scope;
  const target = String(req.headers['x-amz-target'] ?? '');
  if (REST_JSON_SERVICES.has(service)) {
    // REST-JSON: `POST /listRegions` → `ListRegions`.
    const path = new URL(req.url ?? '/', 'http://local').pathname.replace(/^\/+/, '');
    return {
      service,
      region,
      accessKeyId,
      operation: path.charAt(0).toUpperCase() + path.slice(1),
      params: new URLSearchParams(),
      json: asObject(safeJson(body)),
    };
  }
  if (target) {
    return {
      service,
      region,
      accessKeyId,
      operation: target.replace(ECR_TARGET_PREFIX, '').replace(/^.*\./, ''),
      params: new URLSearchParams(),
      json: asObject(safeJson(body)),
    };
  }
  const params = new URLSearchParams(body);
  return { service, region, accessKeyId, operation: params.get('Action') ?? '', params, json: {} };
}

function faultError(fault: Exclude<Fault, 'timeout'>, service: string): ApiError {
  switch (fault) {
    case 'throttle':
      if (service === 'ecr') return new ApiError('ThrottlingException', 'Rate exceeded');
      if (service === 'account') return new ApiError('TooManyRequestsException', 'Rate exceeded', 429);
      if (service === 'ec2') return new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      return new ApiError('Throttling', 'Rate exceeded');
    case 'access-denied':
      if (service === 'ecr')
        return new ApiError('AccessDeniedException', 'User is not authorized to perform this operation');
      if (service === 'account')
        return new ApiError('AccessDeniedException', 'User is not authorized to perform this operation', 403);
      if (service === 'ec2')
        return new ApiError(
          'UnauthorizedOperation',
          'You are not authorized to perform this operation.',
          403,
        );
      return new ApiError('AccessDenied', 'User is not authorized to perform this action', 403);
    case 'server-error':
      if (service === 'ecr') return new ApiError('ServerException', 'Service is unavailable', 503);
      if (service === 'account') return new ApiError('InternalServerException', 'Internal failure', 500);
      return new ApiError('ServiceUnavailable', 'Service is unavailable', 503);
    case 'unrecognized-client':
    case 'not-enabled':
      return unrecognizedClient(service);
  }
}

/** Each service's answer to credentials it does not recognize (a bad or expired token, or a disabled Region). */
function unrecognizedClient(service: string): ApiError {
  const invalid = 'The security token included in the request is invalid.';
  if (service === 'ecr') return new ApiError('UnrecognizedClientException', invalid);
  if (service === 'account') return new ApiError('UnrecognizedClientException', invalid, 403);
  if (service === 'ec2')
    return new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
  return new ApiError('InvalidClientTokenId', invalid, 403);
}

function errorResponse(service: string, error: ApiError): WireResponse {
  if (JSON_SERVICES.has(service)) return jsonError(error);
  if (REST_JSON_SERVICES.has(service)) return restJsonError(error);
  return queryError(service, error);
}

function matches(match: CallMatch, request: ApiRequest): boolean {
  return (
    (match.service === undefined || match.service === request.service) &&
    (match.region === undefined || match.region === request.region) &&
    (match.operation === undefined || match.operation === request.operation)
  );
}

function sameMatch(a: CallMatch, b: CallMatch): boolean {
  return a.service === b.service && a.region === b.region && a.operation === b.operation;
}

function send(res: ServerResponse, response: WireResponse): void {
  res.writeHead(response.status, { ...response.headers, 'x-amzn-requestid': crypto.randomUUID() });
  res.end(response.body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
