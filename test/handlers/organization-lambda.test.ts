import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadEventSample } from '../../events/index.js';
import { createAlertTable } from '../../functions/adapters/dynamodb-alert-store.js';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import {
  type LocalAccount,
  type MemberAccount,
  startLocalAccount,
} from '../../functions/local-account/index.js';
import { localEnv } from '../support/cli.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';
import { startTestAccount, type TestAccount } from '../support/local-account.js';

/*
 * The deployed functions in organization mode, in process, as Lambda calls them: configured by environment only,
 * the unmodified SDK clients reaching a local organization (STS AssumeRole into each member's read role,
 * Organizations ListAccounts) and a real DynamoDB (dynalite). SendMessageBatch, which the local account does not
 * serve, is recorded instead, and its messages handed to the recheck function as SQS would.
 */

const REGIONS = ['us-east-1', 'eu-west-1'];
const PAYMENTS = '111111111111';
const SANDBOX = '222222222222';
const NO_ROLE = '333333333333';

let account: TestAccount;
let dynamo: LocalDynamoDb;
let payments: MemberAccount;
let table = 0;
const sqs = mockClient(SQSClient);

beforeAll(async () => {
  account = await startTestAccount({ regions: REGIONS });
  dynamo = await startDynalite();
});
afterAll(async () => {
  sqs.restore();
  await dynamo?.close();
  await account?.close();
});

beforeEach(async () => {
  const tableName = `org-alerts-${++table}`;
  await createAlertTable(dynamo.client, tableName);
  // The management account in sync; `payments` replicates without its role; `sandbox` is empty; one member has
  // no read role. (The local account forgets its members after each test.)
  account.putReplication('us-east-1', [
    { destinations: [{ region: 'eu-west-1', registryId: account.accountId }] },
  ]);
  if (!account.state.roles.has(REPLICATION_ROLE.name.toLowerCase())) account.createServiceLinkedRole();
  payments = account.addAccount({ id: PAYMENTS, name: 'payments' });
  payments.createReadRole();
  payments.putReplication('us-east-1', [{ destinations: [{ region: 'eu-west-1', registryId: PAYMENTS }] }]);
  payments.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  account.addAccount({ id: SANDBOX, name: 'sandbox' }).createReadRole();
  account.addAccount({ id: NO_ROLE, name: 'no-read-role' });
  for (const [name, value] of Object.entries({
    ...account.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ALERT_TABLE_NAME: tableName,
    SLACK_WEBHOOK_URL: account.slackWebhookUrl,
    RECONCILER_REGIONS: REGIONS.join(','),
    GRACE_SECONDS: '0',
    POWERTOOLS_DEV: 'false',
    MEMBER_READ_ROLE_NAME,
    ACCOUNT_QUEUE_URL: `https://sqs.us-east-1.amazonaws.com/${account.accountId}/accounts`,
  })) {
    vi.stubEnv(name, value);
  }
  // Each test is a fresh Lambda container.
  vi.resetModules();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  account.reset();
  for (const id of account.accountIds()) if (id !== account.accountId) account.removeAccount(id);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/**
 * The recheck function of a fresh container, on the local account's clock: the credentials STS issues expire by
 * that clock, so the functions must read the same time.
 */
const recheckHandler = async () => {
  (await import('../../functions/app/lambda-parts.js')).lambdaParts(process.env, account.clock);
  return (await import('../../functions/handlers/recheck.js')).handler;
};
const eventHandler = async () => {
  (await import('../../functions/app/lambda-parts.js')).lambdaParts(process.env, account.clock);
  return (await import('../../functions/handlers/event.js')).handler;
};
const sweepHandler = async () => (await import('../../functions/handlers/sweep.js')).handler;

let messages = 0;
const records = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body) => ({ messageId: `m-${++messages}`, body }) as SQSEvent['Records'][number]),
});
const sweepOf = (id: string, accountName: string | null) =>
  JSON.stringify({ type: 'sweep', account: id, accountName });
/** What the sweep sent, as SQS would deliver it. */
const sentBySweep = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => entry.MessageBody ?? '');
/** Each Slack message received since `from`, as its header. */
const slackHeaders = (from = 0) =>
  account.slackMessages.slice(from).map((message) => {
    const blocks = (message.body as { blocks: { type: string; text?: { text: string } }[] }).blocks;
    return blocks[0]?.text?.text;
  });

describe('organization mode on Lambda', () => {
  it('reconciles a member from a sweep message through its read role, and names it in Slack', async () => {
    // Prepare
    const handler = await recheckHandler();
    const before = account.slackMessages.length;

    // Act
    const response = await handler(records(sweepOf(PAYMENTS, 'payments')));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(slackHeaders(before)).toEqual([`🔴 ROLE_MISSING opened · payments (${PAYMENTS})`]);
    const assumed = account.calls.filter((call) => call.operation === 'AssumeRole');
    expect(assumed).toHaveLength(1);
    const readInMember = account.calls.filter((call) => call.account === PAYMENTS);
    expect(readInMember.map((call) => call.operation)).toEqual(
      expect.arrayContaining(['DescribeRegistry', 'GetRole']),
    );
  });

  it('reconciles an event from a member account for that account, naming it as the last sweep did', async () => {
    // Prepare
    await (await recheckHandler())(records(sweepOf(PAYMENTS, 'payments')));
    payments.createServiceLinkedRole();
    const before = account.slackMessages.length;
    const event = {
      ...(loadEventSample('iam-delete-role.json') as Record<string, unknown>),
      account: PAYMENTS,
    };

    // Act
    const result = await (await eventHandler())(event);

    // Assess
    expect(result.report?.account).toBe(PAYMENTS);
    expect(slackHeaders(before)).toEqual([`✅ Resolved: ROLE_MISSING in payments (${PAYMENTS})`]);
  });

  it('refuses, without organization mode, an event of another account than its own, announcing nothing', async () => {
    // Prepare
    vi.stubEnv('MEMBER_READ_ROLE_NAME', undefined);
    const before = account.slackMessages.length;
    const event = {
      ...(loadEventSample('iam-delete-role.json') as Record<string, unknown>),
      account: PAYMENTS,
    };

    // Act
    const handling = (await eventHandler())(event);

    // Assess
    await expect(handling).rejects.toMatchObject({ name: 'ConfigError', setting: 'MEMBER_READ_ROLE_NAME' });
    expect(account.slackMessages.length).toBe(before);
    expect(account.calls.filter((call) => call.operation === 'AssumeRole')).toEqual([]);
  });

  it('reports a member whose read role cannot be assumed, naming the role, once', async () => {
    // Prepare
    const handler = await recheckHandler();
    const before = account.slackMessages.length;

    // Act
    await handler(records(sweepOf(NO_ROLE, 'no-read-role')));
    await handler(records(sweepOf(NO_ROLE, 'no-read-role')));

    // Assess
    expect(slackHeaders(before)).toEqual([`⚠️ OBSERVATION_INCOMPLETE opened · no-read-role (${NO_ROLE})`]);
    expect(JSON.stringify(account.slackMessages.at(-1)?.body)).toContain(
      `arn:aws:iam::${NO_ROLE}:role/${MEMBER_READ_ROLE_NAME}`,
    );
  });

  it('sweeps the organization, one message per ACTIVE account, then closes a suspended member’s alerts once', async () => {
    // Prepare: the first sweep, its messages handled.
    const sweep = await sweepHandler();
    const recheck = await recheckHandler();
    const before = account.slackMessages.length;
    const first = await sweep({});
    await recheck(records(...sentBySweep()));
    sqs.resetHistory();
    payments.setOrganizationState('SUSPENDED');

    // Act
    const second = await sweep({});
    const departures = sentBySweep();
    await recheck(records(...departures));
    await recheck(records(...departures));

    // Assess
    expect(first).toEqual({ swept: 4, departed: 0, unwatched: 0 });
    expect(second).toEqual({ swept: 3, departed: 1, unwatched: 0 });
    expect(departures.map((body) => JSON.parse(body))).toEqual(
      expect.arrayContaining([
        { type: 'departure', account: PAYMENTS, accountName: 'payments', state: 'SUSPENDED' },
      ]),
    );
    expect(slackHeaders(before)).toEqual([
      `🔴 ROLE_MISSING opened · payments (${PAYMENTS})`,
      `⚠️ OBSERVATION_INCOMPLETE opened · no-read-role (${NO_ROLE})`,
      `⚪ No longer watched: ROLE_MISSING in payments (${PAYMENTS})`,
    ]);
  });
});

describe('organization mode on Lambda: listing through the management account’s role', () => {
  const MANAGEMENT = '888888888888';
  let hub: LocalAccount;

  beforeAll(async () => {
    // The hub is a member of an organization managed elsewhere: it may not list the accounts itself.
    hub = await startLocalAccount({ regions: REGIONS, organization: { managementAccount: MANAGEMENT } });
  });
  afterAll(async () => {
    await hub?.close();
  });

  const stubHubEnv = (extra: Record<string, string> = {}) => {
    for (const [name, value] of Object.entries({
      ...localEnv(hub.url),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ALERT_TABLE_NAME: `org-alerts-${table}`,
      POWERTOOLS_DEV: 'false',
      ACCOUNT_QUEUE_URL: `https://sqs.us-east-1.amazonaws.com/${hub.accountId}/accounts`,
      ...extra,
    })) {
      vi.stubEnv(name, value);
    }
    vi.resetModules();
  };

  it('lists the accounts through ORGANIZATION_LIST_ROLE_ARN, assumed once for the container', async () => {
    // Prepare: a role in the management account that trusts the hub's account.
    const listRoleArn = hub.createReadRole(MANAGEMENT, { name: 'organization-account-lister' });
    stubHubEnv({ ORGANIZATION_LIST_ROLE_ARN: listRoleArn });
    const sweep = await sweepHandler();

    // Act
    const first = await sweep({});
    const second = await sweep({});

    // Assess
    expect(first).toEqual({ swept: 2, departed: 0, unwatched: 0 });
    expect(second).toEqual(first);
    expect(hub.calls.filter((call) => call.operation === 'AssumeRole')).toHaveLength(1);
    const listed = hub.calls.filter((call) => call.operation === 'ListAccounts');
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(listed.every((call) => call.account === MANAGEMENT)).toBe(true);
    expect(sentBySweep().map((body) => JSON.parse(body).account)).toEqual(
      expect.arrayContaining([MANAGEMENT, hub.accountId]),
    );
  });

  it('fails the sweep without the list role: the hub is no delegated administrator', async () => {
    stubHubEnv();
    const sweep = await sweepHandler();

    await expect(sweep({})).rejects.toMatchObject({ awsError: { code: 'AccessDeniedException' } });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
