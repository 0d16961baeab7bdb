import {
  AccessDeniedException,
  type Account,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { QueueDoesNotExist, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAccountQueueMessage } from '../../functions/app/account-queue/message.js';
import { sendMessageBatches, UnsentMessagesError } from '../../functions/app/sweep/send-batches.js';
import { type SweepPorts, sweepOrganization } from '../../functions/app/sweep/sweep.js';
import { AwsCallError } from '../../functions/core/errors.js';
import type { AccountEntry } from '../../functions/core/ports.js';
import { listOrganizationAccounts } from '../../functions/organization/accounts.js';
import { testClock } from '../support/clock.js';
import { silentLog } from '../support/fakes.js';

/*
 * The organization sweep: what it lists (Organizations, every page), what it sends (SQS, ten a call, only the
 * refused entries again), and which accounts it reconciles or closes. The SDK clients are real, their transport
 * mocked, errors the SDK's own classes.
 */

const organizations = mockClient(OrganizationsClient);
const sqs = mockClient(SQSClient);
afterEach(() => {
  organizations.reset();
  sqs.reset();
});

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/999999999999/accounts';
const id = (n: number) => String(100000000000 + n);

/** The sweep over the real SDK clients (mocked transport) and the register entries given. */
function ports(entries: AccountEntry[] = [], clock = testClock()): SweepPorts {
  return {
    listAccounts: () => listOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' })),
    accountEntries: async () => entries,
    send: (messages) =>
      sendMessageBatches(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, messages, { clock }),
  };
}

/** Every message sent, decoded, in order. */
const sent = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => decodeAccountQueueMessage(entry.MessageBody ?? ''));

const listed = (...accounts: Account[]) =>
  organizations.on(ListAccountsCommand).resolves({ Accounts: accounts });
const acceptAll = () => sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

describe('sweepOrganization: listing', () => {
  it('follows every page, an empty one with a token included, and sends one message per ACTIVE account', async () => {
    // Prepare
    organizations
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({ Accounts: [{ Id: id(1), Name: 'prod-eu', State: 'ACTIVE' }], NextToken: 'page-2' })
      .on(ListAccountsCommand, { NextToken: 'page-2' })
      .resolves({ Accounts: [], NextToken: 'page-3' })
      .on(ListAccountsCommand, { NextToken: 'page-3' })
      .resolves({
        Accounts: [
          { Id: id(2), Name: 'payments', Status: 'ACTIVE' },
          { Id: id(3), Name: 'closed-dev', State: 'SUSPENDED', Status: 'SUSPENDED' },
          { Id: id(4), Name: 'new', State: 'PENDING_ACTIVATION' },
          { Id: id(5), Name: 'retired', State: 'CLOSED', Status: 'ACTIVE' },
        ],
      });
    acceptAll();

    // Act
    const outcome = await sweepOrganization(ports(), silentLog());

    // Assess
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(3);
    expect(sent()).toEqual([
      { type: 'sweep', account: id(1), accountName: 'prod-eu' },
      // No State (an answer from before 2026-09-09): the retired Status says ACTIVE.
      { type: 'sweep', account: id(2), accountName: 'payments' },
    ]);
    expect(outcome).toEqual({ swept: 2, departed: 0, unwatched: 1 });
  });

  it('fails the sweep, sending nothing, when the organization cannot be listed', async () => {
    // Prepare
    organizations
      .on(ListAccountsCommand)
      .rejects(new AccessDeniedException({ message: 'not a delegated administrator', $metadata: {} }));
    acceptAll();

    // Act
    const sweeping = sweepOrganization(ports(), silentLog());

    // Assess
    await expect(sweeping).rejects.toBeInstanceOf(AwsCallError);
    await expect(sweeping).rejects.toMatchObject({ awsError: { code: 'AccessDeniedException' } });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('concludes nothing from a list with no account: an organization always has its management account', async () => {
    // Prepare
    listed();
    acceptAll();
    const marked = { account: id(1), name: 'prod-eu', openAlertsMark: 'm-1' };

    // Act
    const sweeping = sweepOrganization(ports([marked]), silentLog());

    // Assess
    await expect(sweeping).rejects.toThrow(/listed no account/);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});

describe('sweepOrganization: accounts no longer watched', () => {
  it('asks to close the alerts of each marked account suspended, closing, closed or gone, and of no other', async () => {
    // Prepare
    listed(
      { Id: id(1), Name: 'prod-eu', State: 'ACTIVE' },
      { Id: id(2), Name: 'closed-dev', State: 'SUSPENDED' },
      { Id: id(3), Name: 'closing', State: 'PENDING_CLOSURE' },
      { Id: id(4), Name: 'closed', State: 'CLOSED' },
      { Id: id(5), Name: 'unreadable state' },
      { Id: id(6), Name: 'quiet', State: 'SUSPENDED' },
    );
    acceptAll();
    const mark = (account: string, name: string | null, openAlertsMark: string | null = 'mark') => ({
      account,
      name,
      openAlertsMark,
    });
    const entries = [
      mark(id(1), 'prod-eu'),
      mark(id(2), 'closed-dev'),
      mark(id(3), null),
      mark(id(4), 'closed'),
      mark(id(5), 'unreadable state'),
      // Suspended, but no alert was ever open there.
      mark(id(6), 'quiet', null),
      // Not listed at all: it left the organization; its name is the register's.
      mark(id(7), 'moved-away'),
    ];

    // Act
    const outcome = await sweepOrganization(ports(entries), silentLog());

    // Assess
    expect(sent().filter((message) => message.type === 'departure')).toEqual([
      { type: 'departure', account: id(2), accountName: 'closed-dev', state: 'SUSPENDED' },
      { type: 'departure', account: id(3), accountName: 'closing', state: 'PENDING_CLOSURE' },
      { type: 'departure', account: id(4), accountName: 'closed', state: 'CLOSED' },
      { type: 'departure', account: id(7), accountName: 'moved-away', state: null },
    ]);
    expect(sent().filter((message) => message.type === 'sweep')).toEqual([
      { type: 'sweep', account: id(1), accountName: 'prod-eu' },
    ]);
    expect(outcome).toEqual({ swept: 1, departed: 4, unwatched: 1 });
  });
});

describe('sendMessageBatches', () => {
  const messages = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ id: `sweep-${id(n)}`, body: `{"n":${n}}` }));

  it('sends 25 messages in 3 calls of at most 10', async () => {
    // Prepare
    acceptAll();

    // Act
    await sendMessageBatches(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, messages(25), {
      clock: testClock(),
    });

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls.every((input) => input.QueueUrl === QUEUE_URL)).toBe(true);
    expect(calls.flatMap((input) => input.Entries?.map((entry) => entry.Id))).toEqual(
      messages(25).map((message) => message.id),
    );
  });

  it('sends again only the entries SQS reported Failed, after a pause', async () => {
    // Prepare
    const clock = testClock();
    const all = messages(10);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [
          { Id: all[3]?.id, Code: 'InternalError', SenderFault: false },
          { Id: all[7]?.id, Code: 'InternalError', SenderFault: false },
        ],
      })
      .resolves({ Successful: [], Failed: [] });

    // Act
    await sendMessageBatches(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, all, { clock });

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.map((entry) => entry.Id))).toEqual([
      all.map((message) => message.id),
      [all[3]?.id, all[7]?.id],
    ]);
    expect(calls[1]?.Entries?.map((entry) => entry.MessageBody)).toEqual([all[3]?.body, all[7]?.body]);
    expect(clock.sleeps).toEqual([200]);
  });

  it('fails, naming the entries and why, when SQS still refuses them after every attempt', async () => {
    // Prepare
    const clock = testClock();
    const [refused] = messages(1);
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: refused?.id, Code: 'InternalError', Message: 'try later', SenderFault: false }],
    });

    // Act
    const sending = sendMessageBatches(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, messages(1), {
      clock,
      attempts: 3,
    });

    // Assess
    await expect(sending).rejects.toBeInstanceOf(UnsentMessagesError);
    await expect(sending).rejects.toThrow(`${refused?.id} (InternalError: try later)`);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it('fails when the queue cannot be reached at all', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));

    // Act
    const sending = sendMessageBatches(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, messages(3), {
      clock: testClock(),
    });

    // Assess
    await expect(sending).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('makes no call when there is nothing to send', async () => {
    await sendMessageBatches(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, [], { clock: testClock() });

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
