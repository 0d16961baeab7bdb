import * as z from 'zod/mini';
import type { RecheckRequest } from '../../core/ports.js';
import { cut } from '../../core/text.js';
import { decodeRecheckMessage } from '../recheck/message.js';

// The messages of the account queue (organization mode), which the recheck function consumes besides the grace
// re-checks: one per account and sweep, and one per account that left the watch with alerts possibly open.

/**
 * An account name as a message carries it. Organizations allows 1–50 printable ASCII characters; the bound is kept
 * looser, so that a longer name one day cuts the name rather than refuse the account's messages.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
 */
export const ACCOUNT_NAME_MAX_CHARS = 256;
/** An account state (`ACTIVE`, `SUSPENDED`…): an upper-case word of Organizations' enum. */
const STATE = /^[A-Z][A-Z_]{0,63}$/;

const Account = z.string().check(z.regex(/^\d{12}$/));
const AccountName = z.pipe(
  z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(ACCOUNT_NAME_MAX_CHARS)))),
  z.transform((name) => name ?? null),
);

/** `{"type":"sweep","account":"…","accountName":"…"|null}`: reconcile this account, as the schedule would. */
const SweepMessage = z.object({ type: z.literal('sweep'), account: Account, accountName: AccountName });

/**
 * `{"type":"departure","account":"…","accountName":…,"state":"SUSPENDED"|null}`: the account is no longer ACTIVE
 * (`state`) or no longer in the organization (`null`); close its open alerts.
 */
const DepartureMessage = z.object({
  type: z.literal('departure'),
  account: Account,
  accountName: AccountName,
  state: z.nullable(z.string().check(z.regex(STATE))),
});

const TypedMessage = z.discriminatedUnion('type', [SweepMessage, DepartureMessage]);

/** A sweep's request to reconcile one account. */
export interface SweepRequest {
  readonly account: string;
  readonly accountName: string | null;
}

/** A sweep's request to close the alerts of an account no longer watched. */
export interface DepartureRequest extends SweepRequest {
  readonly state: string | null;
}

/** What a message of the account queue asks for. */
export type AccountQueueMessage =
  | { readonly type: 'recheck'; readonly request: RecheckRequest }
  | ({ readonly type: 'sweep' } & SweepRequest)
  | ({ readonly type: 'departure' } & DepartureRequest);

/** The body of a sweep message (the name cut to {@link ACCOUNT_NAME_MAX_CHARS}). */
export function encodeSweepMessage(request: SweepRequest): string {
  return JSON.stringify({ type: 'sweep', account: request.account, accountName: nameOf(request) });
}

/** The body of a departure message (the name cut to {@link ACCOUNT_NAME_MAX_CHARS}). */
export function encodeDepartureMessage(request: DepartureRequest): string {
  return JSON.stringify({
    type: 'departure',
    account: request.account,
    accountName: nameOf(request),
    state: request.state,
  });
}

/**
 * What a message body asks for. A body with no `type` is a grace re-check, as the event function has always sent
 * them (those queued before organization mode existed included); `sweep` and `departure` are the sweep's. Throws on
 * a body that is not JSON or not one of these (the message is then reported back, retried, and kept in the
 * dead-letter queue).
 */
export function decodeAccountQueueMessage(body: string): AccountQueueMessage {
  const parsed: unknown = JSON.parse(body);
  if (parsed === null || typeof parsed !== 'object' || !('type' in parsed)) {
    return { type: 'recheck', request: decodeRecheckMessage(body) };
  }
  return TypedMessage.parse(parsed);
}

function nameOf(request: SweepRequest): string | null {
  return request.accountName ? cut(request.accountName, ACCOUNT_NAME_MAX_CHARS) : null;
}
