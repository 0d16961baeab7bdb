import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadEventSample } from '../../events/index.js';
import { createAlertTable } from '../../functions/adapters/dynamodb-alert-store.js';
import { SLACK_DEFAULTS } from '../../functions/adapters/slack/delivery.js';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { testClock } from '../support/clock.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * The deployed handlers, in process, exactly as Lambda calls them: configured by environment only, with the
 * unmodified SDK clients reaching the local account (AWS_ENDPOINT_URL) and a real DynamoDB (dynalite).
 */

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const account = useLocalAccount({ regions: REGIONS });
let dynamo: LocalDynamoDb;
let topicArn: string;
let table = 0;
let printed: string[];

beforeAll(async () => {
  dynamo = await startDynalite();
  topicArn = account.createTopic('alerts');
});
afterAll(async () => {
  await dynamo.close();
});

beforeEach(async () => {
  const tableName = `alerts-${++table}`;
  await createAlertTable(dynamo.client, tableName);
  for (const [name, value] of Object.entries({
    ...account.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ALERT_TABLE_NAME: tableName,
    ALERT_TOPIC_ARN: topicArn,
    SLACK_WEBHOOK_URL: account.slackWebhookUrl,
    RECONCILER_REGIONS: REGIONS.join(','),
    GRACE_SECONDS: '0',
    POWERTOOLS_DEV: 'false',
  })) {
    vi.stubEnv(name, value);
  }
  // Each test is a fresh Lambda container: the handlers build their clients once per module instance.
  vi.resetModules();
  printed = [];
  const capture = (write: typeof process.stdout.write) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return typeof rest.at(-1) === 'function' ? (rest.at(-1) as () => void)() === undefined : true;
    }) as unknown as typeof write;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture(process.stdout.write));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture(process.stderr.write));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const eventHandler = async () => (await import('../../functions/handlers/event.js')).handler;
/** The event handler of a container whose clock is a test clock: Slack's back-off costs no real time. */
const eventHandlerOnTestClock = async (clock = testClock()) => {
  (await import('../../functions/app/lambda-parts.js')).lambdaParts(process.env, clock);
  return { handler: await eventHandler(), clock };
};
const recheckHandler = async () => (await import('../../functions/handlers/recheck.js')).handler;
const logLines = () =>
  printed
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const replicateFarAway = () =>
  account.putReplication('ap-southeast-2', [
    { destinations: [{ region: 'eu-west-1', registryId: account.accountId }] },
  ]);

describe('event handler (Lambda)', () => {
  it('announces a deleted role once to Slack and SNS, and records it in DynamoDB', async () => {
    // Prepare
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const handler = await eventHandler();
    const slackBefore = account.slackMessages.length;
    const snsBefore = account.published.length;
    const event = loadEventSample('iam-delete-role.json');

    // Act
    const first = await handler(event);
    const again = await handler(event);
    const schedule = await handler(loadEventSample('scheduled-event.json'));

    // Assess
    expect(first.report?.findings.map((finding) => finding.code)).toEqual(['ROLE_MISSING']);
    expect(first.notifications).toEqual([
      expect.objectContaining({ transition: 'opened', code: 'ROLE_MISSING', channels: ['sns', 'slack'] }),
    ]);
    expect(again.notifications).toEqual([]);
    expect(schedule.notifications).toEqual([]);
    expect(account.slackMessages.length - slackBefore).toBe(1);
    expect(account.published.length - snsBefore).toBe(1);
    expect(account.published.at(-1)?.topicArn).toBe(topicArn);
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: `alerts-${table}` }));
    expect(Items.map((item) => `${item.pk?.S} ${item.sk?.S}`)).toEqual(
      expect.arrayContaining([
        `ACCOUNT#${account.accountId} ALERT#ROLE_MISSING#sns`,
        `ACCOUNT#${account.accountId} ALERT#ROLE_MISSING#slack`,
      ]),
    );
  });

  it('logs with the event id and publishes EMF metrics', async () => {
    // Prepare
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const handler = await eventHandler();
    const event = loadEventSample('iam-delete-role.json');

    // Act
    await handler(event);

    // Assess
    const lines = logLines();
    expect(
      lines.some((line) => line.eventId === (event as { detail: { eventID: string } }).detail.eventID),
    ).toBe(true);
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf.length).toBeGreaterThan(0);
    expect(emf.some((line) => 'Findings' in line || 'AlertsSent' in line)).toBe(true);
  });

  it('throws on a malformed event, so that Lambda retries it and then keeps it, after logging what is wrong', async () => {
    // Prepare
    const handler = await eventHandler();
    const event = loadEventSample('malformed-cloudtrail-missing-event-name.json');

    // Act
    const invocation = handler(event);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'MalformedEventError' });
    const logged = JSON.stringify(logLines());
    expect(logged).toContain((event as { id: string }).id);
    expect(logged).toContain('detail.eventName');
    expect(logged).toContain('MalformedEvents');
  });

  it('fails the invocation when every channel fails, so that the alert is retried, not lost', async () => {
    // Prepare
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    account.setFault({ service: 'sns', fault: 'server-error' });
    account.slackRespond(...Array.from({ length: SLACK_DEFAULTS.maxAttempts }, () => ({ status: 500 })));
    const { handler, clock } = await eventHandlerOnTestClock();

    // Act
    const invocation = handler(loadEventSample('iam-delete-role.json'));

    // Assess
    await expect(invocation).rejects.toThrow();
    expect(clock.sleeps).toHaveLength(SLACK_DEFAULTS.maxAttempts - 1);
    account.clearFaults();
    const retried = await handler(loadEventSample('iam-delete-role.json'));
    expect(retried.notifications).toEqual([expect.objectContaining({ transition: 'opened' })]);
  });

  it('fails the invocation when Slack fails and SNS delivers, retries only Slack, and never prints the webhook URL', async () => {
    // Prepare
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    account.slackRespond(
      ...Array.from({ length: SLACK_DEFAULTS.maxAttempts }, () => ({ status: 500, body: 'no_service' })),
    );
    const { handler } = await eventHandlerOnTestClock();

    // Act
    const invocation = handler(loadEventSample('iam-delete-role.json'));
    await expect(invocation).rejects.toThrow(/ROLE_MISSING opened to slack/);
    const publishedAfterFailure = account.published.length;
    const retried = await handler(loadEventSample('iam-delete-role.json'));

    // Assess
    expect(retried.notifications).toEqual([
      { transition: 'opened', code: 'ROLE_MISSING', channels: ['slack'], failed: [] },
    ]);
    expect(account.published.length).toBe(publishedAfterFailure);
    const output = printed.join('');
    expect(output).toContain('slack');
    expect(output).toContain('AlertsUndelivered');
    expect(output).not.toContain(account.slackWebhookUrl);
    expect(output).not.toContain(new URL(account.slackWebhookUrl).pathname);
  });

  it('refuses to start without its watched Regions, naming the variable', async () => {
    // Prepare
    vi.stubEnv('RECONCILER_REGIONS', undefined);
    const handler = await eventHandler();

    // Act
    const invocation = handler(loadEventSample('scheduled-event.json'));

    // Assess
    await expect(invocation).rejects.toThrow(/RECONCILER_REGIONS is not set/);
  });
});

const message = (messageId: string, body: string) => ({ messageId, body }) as SQSEvent['Records'][number];

describe('grace re-check through SQS (Lambda, invariant 3)', () => {
  /** Replication in a far Region, the role deleted, and both functions configured with a grace queue. */
  const roleDeletedWithGraceQueue = async () => {
    const queueUrl = account.createQueue(`grace-${table}`);
    vi.stubEnv('GRACE_QUEUE_URL', queueUrl);
    vi.stubEnv('GRACE_SECONDS', '120');
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    return {
      queueUrl,
      onEvent: await eventHandler(),
      onRecheck: await recheckHandler(),
      slackBefore: account.slackMessages.length,
      queuedBefore: account.queued.length,
    };
  };

  it('holds a high finding raised by an event, then announces it once when the re-check confirms it', async () => {
    // Prepare
    const { queueUrl, onEvent, onRecheck, slackBefore, queuedBefore } = await roleDeletedWithGraceQueue();

    // Act
    const held = await onEvent(loadEventSample('iam-delete-role.json'));
    const queued = account.queued.slice(queuedBefore);
    const rechecks = await Promise.all(
      queued.map((sent, index) => onRecheck({ Records: [message(`m-${index}`, sent.body)] })),
    );
    const again = await onRecheck({
      Records: queued.map((sent, index) => message(`m2-${index}`, sent.body)),
    });

    // Assess
    expect(held.notifications).toEqual([]);
    expect(held.deferred).toEqual(['ROLE_MISSING']);
    expect(queued).toEqual([expect.objectContaining({ queueUrl, delaySeconds: 120 })]);
    expect(rechecks.concat(again).flatMap((response) => response.batchItemFailures)).toEqual([]);
    expect(account.slackMessages.length - slackBefore).toBe(1);
  });

  it('announces nothing when the re-check finds the role back', async () => {
    // Prepare
    const { onEvent, onRecheck, slackBefore, queuedBefore } = await roleDeletedWithGraceQueue();

    // Act
    await onEvent(loadEventSample('iam-delete-role.json'));
    account.createServiceLinkedRole();
    const [sent] = account.queued.slice(queuedBefore);
    await onRecheck({ Records: [message('m-1', sent?.body ?? '')] });

    // Assess
    expect(sent).toBeDefined();
    expect(account.slackMessages.length - slackBefore).toBe(0);
  });
});

describe('re-check handler (Lambda, SQS)', () => {
  it('confirms a finding and announces it; a bad message alone is reported back for retry', async () => {
    // Prepare
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const handler = await recheckHandler();
    const slackBefore = account.slackMessages.length;
    const good = JSON.stringify({ account: account.accountId, eventId: 'evt-1' });

    // Act
    const response = await handler({
      Records: [
        message('m-good', good),
        message('m-bad', '{"account":"nope"}'),
        message('m-junk', 'not json'),
      ],
    });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }, { itemIdentifier: 'm-junk' }]);
    expect(account.slackMessages.length - slackBefore).toBe(1);
  });
});

describe('re-check handler: partial batch responses', () => {
  it('reports every message back, one by one, when all of them fail, logging each with its messageId', async () => {
    // Prepare
    const handler = await recheckHandler();

    // Act
    const response = await handler({
      Records: [message('m-1', '{"account":"nope"}'), message('m-2', 'not json')],
    });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }]);
    const failures = logLines().filter((line) => line.message === 're-check failed');
    expect(failures.map((line) => line.messageId)).toEqual(['m-1', 'm-2']);
  });

  it('re-checks the messages one after the other, not at once', async () => {
    // Prepare
    replicateFarAway();
    const handler = await recheckHandler();
    const body = (eventId: string) => JSON.stringify({ account: account.accountId, eventId });
    const { DescribeRegistryCommand, ECRClient } = await import('@aws-sdk/client-ecr');
    const send = ECRClient.prototype.send as (...args: unknown[]) => Promise<unknown>;
    let inFlight = 0;
    let mostInFlight = 0;
    let reads = 0;
    vi.spyOn(ECRClient.prototype, 'send').mockImplementation(async function (
      this: unknown,
      ...args: unknown[]
    ) {
      if (!(args[0] instanceof DescribeRegistryCommand)) return send.apply(this, args);
      reads++;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await send.apply(this, args);
      } finally {
        inFlight--;
      }
    } as typeof ECRClient.prototype.send);

    // Act
    const response = await handler({
      Records: [message('m-1', body('evt-1')), message('m-2', body('evt-2'))],
    });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(reads).toBe(2 * REGIONS.length);
    // One message's Regions are read together; the next message's only once they all answered.
    expect(mostInFlight).toBe(REGIONS.length);
  });

  it('counts what a re-check saw and told when an alert is not delivered, and reports that message back', async () => {
    // Prepare
    replicateFarAway();
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    account.setFault({ service: 'sns', fault: 'server-error' });
    account.slackRespond(...Array.from({ length: SLACK_DEFAULTS.maxAttempts }, () => ({ status: 500 })));
    // The recheck function shares the event function's parts: built once per container, here on a test clock.
    await eventHandlerOnTestClock();
    const handler = await recheckHandler();
    const good = JSON.stringify({ account: account.accountId, eventId: 'evt-1' });

    // Act
    const response = await handler({ Records: [message('m-undelivered', good)] });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-undelivered' }]);
    const lines = logLines();
    expect(lines.find((line) => line.message === 're-check failed')).toMatchObject({
      messageId: 'm-undelivered',
    });
    const emf = JSON.stringify(lines.filter((line) => '_aws' in line));
    expect(emf).toContain('AlertsUndelivered');
    expect(emf).toContain('Findings');
  });
});
