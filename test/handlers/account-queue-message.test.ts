import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_NAME_MAX_CHARS,
  decodeAccountQueueMessage,
  encodeDepartureMessage,
  encodeSweepMessage,
} from '../../functions/app/account-queue/message.js';
import { encodeRecheckMessage } from '../../functions/app/recheck/message.js';

/*
 * The account queue's messages (organization mode): the recheck function reads grace re-checks as it always has,
 * and the sweep's messages beside them; anything else is refused, so that it is retried and kept in the DLQ.
 */

const ACCOUNT = '111122223333';

describe('the account queue message', () => {
  it('reads a re-check without `type` as a re-check, as messages queued before organization mode are', () => {
    // Prepare
    const request = { account: ACCOUNT, eventId: '5f1c2b7e-9d3a-4c55-8f0e-2a6b1c9d7e10' };

    // Act
    const fromOldSender = decodeAccountQueueMessage(JSON.stringify(request));
    const fromEncoder = decodeAccountQueueMessage(encodeRecheckMessage(request));

    // Assess
    expect(fromOldSender).toEqual({ type: 'recheck', request });
    expect(fromEncoder).toEqual({ type: 'recheck', request });
  });

  it('reads back a sweep message, with its account name or none', () => {
    expect(
      decodeAccountQueueMessage(encodeSweepMessage({ account: ACCOUNT, accountName: 'prod-eu' })),
    ).toEqual({
      type: 'sweep',
      account: ACCOUNT,
      accountName: 'prod-eu',
    });
    expect(decodeAccountQueueMessage(encodeSweepMessage({ account: ACCOUNT, accountName: null }))).toEqual({
      type: 'sweep',
      account: ACCOUNT,
      accountName: null,
    });
  });

  it('writes a sweep message as the format agreed with the stack: { type, account, accountName }', () => {
    expect(JSON.parse(encodeSweepMessage({ account: ACCOUNT, accountName: 'prod-eu' }))).toEqual({
      type: 'sweep',
      account: ACCOUNT,
      accountName: 'prod-eu',
    });
  });

  it('takes a sweep message without accountName as a name unknown', () => {
    expect(decodeAccountQueueMessage(JSON.stringify({ type: 'sweep', account: ACCOUNT }))).toEqual({
      type: 'sweep',
      account: ACCOUNT,
      accountName: null,
    });
  });

  it('reads back a departure message: a state, or null when the account left the organization', () => {
    for (const state of ['SUSPENDED', null]) {
      const body = encodeDepartureMessage({ account: ACCOUNT, accountName: 'legacy', state });
      expect(decodeAccountQueueMessage(body)).toEqual({
        type: 'departure',
        account: ACCOUNT,
        accountName: 'legacy',
        state,
      });
    }
  });

  it('cuts a name longer than any message carries, rather than refuse the account', () => {
    const body = encodeSweepMessage({
      account: ACCOUNT,
      accountName: 'n'.repeat(ACCOUNT_NAME_MAX_CHARS + 10),
    });

    const decoded = decodeAccountQueueMessage(body);

    expect(decoded.type === 'sweep' && decoded.accountName?.length).toBe(ACCOUNT_NAME_MAX_CHARS);
  });

  it.each([
    ['not JSON', 'not json'],
    ['JSON null', 'null'],
    ['an unknown type', JSON.stringify({ type: 'rescan', account: ACCOUNT })],
    ['a type that is not text', JSON.stringify({ type: null, account: ACCOUNT, eventId: 'e-1' })],
    ['a sweep of no account', JSON.stringify({ type: 'sweep', accountName: 'x' })],
    ['a sweep of an account that is not 12 digits', JSON.stringify({ type: 'sweep', account: '1234' })],
    ['an empty account name', JSON.stringify({ type: 'sweep', account: ACCOUNT, accountName: '' })],
    [
      'a name longer than any message carries',
      JSON.stringify({
        type: 'sweep',
        account: ACCOUNT,
        accountName: 'n'.repeat(ACCOUNT_NAME_MAX_CHARS + 1),
      }),
    ],
    [
      'a departure without its state',
      JSON.stringify({ type: 'departure', account: ACCOUNT, accountName: null }),
    ],
    [
      'a departure with a state that is no state',
      JSON.stringify({ type: 'departure', account: ACCOUNT, accountName: null, state: 'gone away' }),
    ],
    ['a re-check of no event', JSON.stringify({ account: ACCOUNT })],
  ])('refuses %s', (_what, body) => {
    expect(() => decodeAccountQueueMessage(body)).toThrow();
  });
});
