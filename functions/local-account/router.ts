import { serveAccount } from './services/account.js';
import { serveEc2 } from './services/ec2.js';
import { serveEcr } from './services/ecr.js';
import { serveIam } from './services/iam.js';
import { serveOrganizations } from './services/organizations.js';
import { type Published, serveSns } from './services/sns.js';
import { type Queued, serveSqs } from './services/sqs.js';
import { type StsContext, serveSts } from './services/sts.js';
import type { ApiRequest, WireResponse } from './services/wire.js';
import { type AccountState, ApiError, type OptInStatus } from './state.js';

/**
 * What the services answer from and record into: the state of the account the request's credentials belong to,
 * and, for STS and Organizations, who the caller is and every account served.
 */
export interface ServedAccount extends StsContext {
  readonly state: AccountState;
  readonly published: Published[];
  readonly queued: Queued[];
  /** The Regions as the account's Region lists (EC2, the Account API) report them now. */
  readonly optInStatuses: () => ReadonlyMap<string, OptInStatus>;
}

/** Answers a request with its service; a refusal is thrown as an {@link ApiError}. */
export function route(request: ApiRequest, account: ServedAccount): WireResponse {
  const { state } = account;
  switch (request.service) {
    case 'ecr':
      return serveEcr(state, request);
    case 'iam':
      return serveIam(state, request);
    case 'sts':
      return serveSts(account, request);
    case 'organizations':
      return serveOrganizations(
        { directory: account.directory, callerAccount: account.caller.account },
        request,
      );
    case 'sns':
      return serveSns(state, request, account.published);
    case 'ec2':
      return serveEc2(account.optInStatuses(), request);
    case 'account':
      return serveAccount(account.optInStatuses(), request);
    case 'sqs':
      return serveSqs(state, request, account.queued);
    default:
      throw new ApiError('UnknownService', `The local account does not serve ${request.service}.`);
  }
}
