import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../clock.js';
import { createReadRole, memberHandle, shapingOf } from './account-handle.js';
import { listingWith, startingAccounts } from './directory-setup.js';
import {
  type CallMatch,
  expiredToken,
  type FaultRule,
  faultError,
  matches,
  optInStatuses,
  sameMatch,
  unrecognizedClient,
} from './faults.js';
import { assumedAccount, parseRequest, readBody, safeJson } from './requests.js';
import { route, type ServedAccount } from './router.js';
import type { Published } from './services/sns.js';
import type { Queued } from './services/sqs.js';
import { callerOf } from './services/sts.js';
import { errorResponse, type WireResponse } from './services/wire.js';
import { type Session, Sessions } from './sessions.js';
import { AccountState, ApiError } from './state.js';
import type { Call, LocalAccount, LocalAccountOptions, SlackResponse } from './types.js';

/**
 * Starts the local account on 127.0.0.1: one endpoint for every service, routed by the SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`), so a single `AWS_ENDPOINT_URL` reaches it all.
 * @example
 * const account = await startLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });
 * process.env.AWS_ENDPOINT_URL = account.url;
 */
export async function startLocalAccount(options: LocalAccountOptions = {}): Promise<LocalAccount> {
  const clock = options.clock ?? systemClock;
  const { directory, caller, regions } = startingAccounts(options, clock);
  const { state } = caller;
  const organization = directory.organization;
  const sessions = new Sessions();
  const calls: Call[] = [];
  const published: Published[] = [];
  const queued: Queued[] = [];
  const slackMessages: { path: string; body: unknown }[] = [];
  const slackQueue: SlackResponse[] = [];
  let faults: FaultRule[] = [];
  let latencies: (CallMatch & { ms: number })[] = options.latencyMs ? [{ ms: options.latencyMs }] : [];

  /** What a request signed with `session`'s key (or any other key) is served from, or its credentials' refusal. */
  const served = (
    { accessKeyId, service }: { accessKeyId: string; service: string },
    session: Session | undefined,
    account: string,
  ): ServedAccount | ApiError => {
    const record = directory.get(account);
    if (!record || sessions.isRevoked(accessKeyId)) return unrecognizedClient(service);
    if (session && clock.now().getTime() >= session.expiresAt) return expiredToken(service);
    return {
      state: record.state,
      published,
      queued,
      optInStatuses: () => optInStatuses(record.state.regions, faults, record.id),
      caller: callerOf(session, state.accountId),
      directory,
      sessions,
      now: () => clock.now(),
    };
  };

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
    // One map lookup names the account, however many are served: a key STS issued is its role's account's.
    const session = sessions.find(request.accessKeyId);
    const account = session?.account ?? state.accountId;
    const call = {
      service: request.service,
      operation: request.operation,
      region: request.region,
      at: clock.now().getTime(),
      accessKeyId: request.accessKeyId,
      account: assumedAccount(request) ?? account,
    };
    calls.push(call);

    const delay = latencies.filter((latency) => matches(latency, call)).reduce((sum, l) => sum + l.ms, 0);
    if (delay > 0) await sleep(delay);

    // Credentials are checked first, as AWS authenticates a request before anything else.
    const target = served(request, session, account);
    if (target instanceof ApiError) return send(res, errorResponse(request.service, target));
    const fault = faults.find((candidate) => matches(candidate, call));
    if (fault?.times !== undefined && --fault.times <= 0) faults = faults.filter((f) => f !== fault);
    if (fault?.fault === 'timeout') return; // never answered: the caller's timeout ends it, or close() does
    try {
      if (fault) throw faultError(fault.fault, request.service);
      const publishedBefore = published.length;
      send(res, route(request, target));
      for (const message of published.slice(publishedBefore))
        options.onMessage?.({ channel: 'sns', ...message });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(res, errorResponse(request.service, error));
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
  const recordOf = (id: string) => {
    const record = directory.get(id);
    if (!record) throw new Error(`account ${id} is not served by this local account`);
    return record;
  };

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
    ...shapingOf(state),
    organizationId: organization?.id,
    addAccount: ({ id, regions: own, state: organizationState, organization: joins, ...fields }) => {
      const record = directory.add(new AccountState(id, own ?? regions, clock), {
        ...fields,
        organizationState,
        inOrganization: joins,
      });
      return memberHandle(record, state.accountId);
    },
    getAccount: (id) => memberHandle(recordOf(id), state.accountId),
    accountIds: () => directory.ids(),
    removeAccount: (id) => {
      if (id === state.accountId) throw new Error("the caller's account cannot be removed");
      directory.remove(id);
      organization?.delegatedAdministrators.delete(id);
      sessions.revokeAccount(id);
    },
    createReadRole: (accountId, readRole) =>
      createReadRole(recordOf(accountId).state, state.accountId, readRole),
    registerDelegatedAdministrator: (accountId) => {
      if (!organization) throw new Error("the caller's account belongs to no organization");
      if (!recordOf(accountId).inOrganization)
        throw new Error(`account ${accountId} is not in the organization`);
      organization.delegatedAdministrators.add(accountId);
    },
    configureListAccounts: (changes) => {
      if (!organization) throw new Error("the caller's account belongs to no organization");
      organization.listing = listingWith(organization.listing, changes);
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

function send(res: ServerResponse, response: WireResponse): void {
  res.writeHead(response.status, { ...response.headers, 'x-amzn-requestid': crypto.randomUUID() });
  res.end(response.body);
}
