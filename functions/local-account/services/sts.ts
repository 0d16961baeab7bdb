import type { AccountDirectory } from '../accounts.js';
import { type Session, type Sessions, sessionArn } from '../sessions.js';
import { ApiError } from '../state.js';
import { assumeRole } from './assume-role.js';
import { type ApiRequest, queryResponse, STS_NS, type WireResponse } from './wire.js';

/** Who signed a request: the caller's own user (any key STS did not issue), or a role session STS issued. */
export interface Caller {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
  readonly session?: Session | undefined;
}

/** What STS answers from: the caller, every account (for the roles it assumes), the sessions it issued. */
export interface StsContext {
  readonly caller: Caller;
  readonly directory: AccountDirectory;
  readonly sessions: Sessions;
  readonly now: () => Date;
}

/** The caller as GetCallerIdentity names it, for a request signed with `session`'s key or with any other key. */
export function callerOf(session: Session | undefined, callerAccount: string): Caller {
  if (!session) {
    return {
      account: callerAccount,
      arn: `arn:aws:iam::${callerAccount}:user/local`,
      userId: 'AIDALOCALUSER',
    };
  }
  return {
    account: session.account,
    arn: sessionArn(session),
    userId: `${session.roleId}:${session.sessionName}`,
    session,
  };
}

/**
 * STS over the AWS query protocol: `GetCallerIdentity` (the local user of the caller's account, or the role
 * session the key was issued for) and `AssumeRole`.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export function serveSts(context: StsContext, request: ApiRequest): WireResponse {
  switch (request.operation) {
    case 'GetCallerIdentity': {
      const { caller } = context;
      return queryResponse(STS_NS, request.operation, {
        Arn: caller.arn,
        UserId: caller.userId,
        Account: caller.account,
      });
    }
    case 'AssumeRole':
      return queryResponse(STS_NS, request.operation, assumeRole(context, request));
    default:
      throw new ApiError('InvalidAction', `Unknown operation ${request.operation}.`);
  }
}
