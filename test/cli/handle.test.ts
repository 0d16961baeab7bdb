import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS_DIR } from '../../events/index.js';
import type { HandleResult } from '../../functions/app/event/handle-event.js';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * `handle` as a person meets it: without an alert channel, with an event seen before, with files that are not
 * events, with a state file that is not a file. In process through `main`, against the local account.
 */

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
let dir: string;
let state: string;
let topicArn: string;

beforeAll(() => {
  topicArn = account.createTopic('alerts');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handle-cli-'));
  state = join(dir, 'state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Result = HandleResult & { readonly openFindings: readonly string[] };

const withChannels = (extra: Record<string, string> = {}) => ({
  ...account.env,
  ALERT_TOPIC_ARN: topicArn,
  SLACK_WEBHOOK_URL: account.slackWebhookUrl,
  ...extra,
});
const handle = (args: string[], env: Record<string, string | undefined> = withChannels()) =>
  runMain(['handle', ...args, '--state-file', state], { env, clock: account.clock });
const results = (stdout: string): Result[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Result);
const event = (file: string) => join(EVENTS_DIR, file);
const toEuWest1 = [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }];

function roleMissing(): void {
  account.putReplication('ap-southeast-2', toEuWest1);
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
}

describe('handle without an alert channel', () => {
  it('refuses to run, naming ALERT_TOPIC_ARN, SLACK_WEBHOOK_URL and --no-alerts, and reads nothing', async () => {
    roleMissing();
    account.resetCalls();

    const run = await handle([event('iam-delete-role.json')], account.env);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no alert channel/i);
    expect(run.stderr).toContain('ALERT_TOPIC_ARN');
    expect(run.stderr).toContain('SLACK_WEBHOOK_URL');
    expect(run.stderr).toContain('--no-alerts');
    expect(run.stdout).toBe('');
    expect(account.calls).toEqual([]);
  });

  it('with --no-alerts, reports the findings, says on stderr that nothing is announced, and records nothing as announced', async () => {
    roleMissing();

    const first = await handle([event('iam-delete-role.json'), '--no-alerts'], account.env);
    const again = await handle([event('iam-delete-role.json'), '--no-alerts'], account.env);

    expect(first.code).toBe(2);
    expect(first.stderr).toMatch(/no alert channel/i);
    const [result] = results(first.stdout);
    expect(result?.report?.findings.map((f) => f.code)).toEqual(['ROLE_MISSING']);
    expect(result?.notifications).toEqual([]);
    expect(result?.openFindings).toEqual(['ROLE_MISSING']);
    // Nothing recorded as announced: a channel configured later hears of the finding.
    const file = JSON.parse(await readFile(state, 'utf8').catch(() => '{"alerts":[]}')) as { alerts: [] };
    expect(file.alerts).toEqual([]);
    // Without a channel there is nothing to announce twice: the same event is read again, never a "duplicate".
    const [second] = results(again.stdout);
    expect(second?.reason).not.toMatch(/duplicate/);
    expect(second?.report?.findings.map((f) => f.code)).toEqual(['ROLE_MISSING']);
    expect(again.code).toBe(2);
  });
});

describe('the exit code of handle describes the account, also when nothing is read', () => {
  it('exits 2 for an event handled before while a high finding is open, saying why nothing was read', async () => {
    roleMissing();
    const first = await handle([event('iam-delete-role.json')]);
    expect(first.code).toBe(2);

    const again = await handle([event('iam-delete-role.json')]);

    expect(again.code).toBe(2);
    const [result] = results(again.stdout);
    expect(result).toMatchObject({
      relevant: true,
      reason: 'duplicate event: already handled',
      report: null,
      notifications: [],
      deferred: [],
      openFindings: ['ROLE_MISSING'],
    });
  });

  it('exits 0 for an event handled before when no finding is open', async () => {
    // ECR creates the role with the replication configuration.
    account.putReplication('us-east-1', toEuWest1);
    await handle([event('ecr-put-replication-configuration.json')]);

    const again = await handle([event('ecr-put-replication-configuration.json')]);

    expect(again.code).toBe(0);
    expect(results(again.stdout)[0]).toMatchObject({ report: null, openFindings: [] });
  });

  it('exits 2 for an event it ignores while a finding is open', async () => {
    roleMissing();
    await handle([event('scheduled-event.json')]);

    const run = await handle([event('iam-tag-role.json')]);

    expect(run.code).toBe(2);
    expect(results(run.stdout)[0]).toMatchObject({
      relevant: false,
      report: null,
      openFindings: ['ROLE_MISSING'],
    });
  });

  it('follows --fail-on for findings held open in the alert state', async () => {
    roleMissing();
    await handle([event('scheduled-event.json')]);

    const never = await handle([event('scheduled-event.json'), '--fail-on', 'never']);

    expect(never.code).toBe(0);
  });
});

describe('handle refuses a file that is not an event before reading the account', () => {
  it('says that a file is empty', async () => {
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    account.resetCalls();

    const run = await handle([empty]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('empty.json');
    expect(run.stderr).toMatch(/is empty/);
    expect(account.calls).toEqual([]);
  });

  it('says that a file is larger than an EventBridge event can be (256 KB)', async () => {
    const big = join(dir, 'big.json');
    const sample = JSON.parse(await readFile(event('scheduled-event.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(big, JSON.stringify({ ...sample, padding: 'x'.repeat(300 * 1024) }));
    account.resetCalls();

    const run = await handle([big, event('scheduled-event.json')]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('big.json');
    expect(run.stderr).toMatch(/256 KB/);
    expect(run.stderr).toMatch(/EventBridge/);
    // The other file is still handled.
    expect(results(run.stdout)).toHaveLength(1);
  });
});

describe('handle with a --state-file that is not a file', () => {
  it('blames the state file, not the event, when it names a folder', async () => {
    const folder = join(dir, 'state-folder');
    await mkdir(folder);
    account.resetCalls();

    const run = await runMain(['handle', event('scheduled-event.json'), '--state-file', folder], {
      env: withChannels(),
      clock: account.clock,
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--state-file ${folder}`);
    expect(run.stderr).toMatch(/is a folder/);
    expect(run.stderr).not.toContain('scheduled-event.json');
    expect(account.calls).toEqual([]);
  });
});
