import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_DIR } from '../../events/index.js';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * --profile and --debug: which credentials sign the calls, and what is said about each call. The local account
 * records the access key id of each request it receives.
 */

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });
const toEuWest1 = [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-profile-'));
  await writeFile(join(dir, 'config'), '[profile audit]\nregion = eu-west-1\n');
  await writeFile(
    join(dir, 'credentials'),
    '[audit]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const envWithKeys = () => ({
  ...account.env,
  AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT',
  AWS_SECRET_ACCESS_KEY: 'environment-secret',
  AWS_CONFIG_FILE: join(dir, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
});

describe('--profile', () => {
  it('signs every call with the profile, even when access keys are in the environment (as the AWS CLI does)', async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.resetCalls();

    const run = await runMain(['scan', '--profile', 'audit'], { env: envWithKeys(), clock: account.clock });

    expect(run.code).toBe(0);
    expect(account.calls.length).toBeGreaterThan(0);
    expect(new Set(account.calls.map((call) => call.accessKeyId))).toEqual(new Set(['AKIDFROMPROFILE']));
    expect(run.stderr).not.toMatch(/Multiple credential sources/);
  });

  it('without --profile, the environment keys sign the calls', async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.resetCalls();

    await runMain(['scan'], { env: envWithKeys(), clock: account.clock });

    expect(new Set(account.calls.map((call) => call.accessKeyId))).toEqual(new Set(['AKIDFROMENVIRONMENT']));
  });

  it("takes the profile's Region when AWS_REGION is not set", async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.resetCalls();

    await runMain(['scan', '--profile', 'audit'], {
      env: { ...envWithKeys(), AWS_REGION: undefined },
      clock: account.clock,
    });

    expect(account.calls.find((call) => call.operation === 'DescribeRegions')?.region).toBe('eu-west-1');
  });

  it('signs the SNS alerts of handle with the profile too', async () => {
    const topicArn = account.createTopic('profile-alerts');
    account.putReplication('us-east-1', toEuWest1);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    account.resetCalls();
    const state = join(dir, 'state.json');

    const run = await runMain(
      ['handle', join(EVENTS_DIR, 'scheduled-event.json'), '--state-file', state, '--profile', 'audit'],
      { env: { ...envWithKeys(), ALERT_TOPIC_ARN: topicArn }, clock: account.clock },
    );

    expect(run.code).toBe(2);
    expect(account.calls.find((call) => call.operation === 'Publish')?.accessKeyId).toBe('AKIDFROMPROFILE');
  });
});

describe('--debug', () => {
  it('writes each AWS call on stderr: service, operation, Region, duration, HTTP status', async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'access-denied' });
    account.resetCalls();

    const run = await runMain(['scan', '--debug'], { env: envWithKeys(), clock: account.clock });

    const lines = run.stderr.split('\n').filter((line) => line.startsWith('debug: aws '));
    expect(lines).toHaveLength(account.calls.length);
    expect(lines).toContainEqual(
      expect.stringMatching(/^debug: aws ECR DescribeRegistry us-east-1 HTTP 200 in \d+ ms$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^debug: aws ECR DescribeRegistry eu-west-1 HTTP 400 in \d+ ms \(AccessDeniedException\)$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^debug: aws IAM GetRole us-east-1 HTTP 200 in/));
    expect(lines).toContainEqual(expect.stringMatching(/^debug: aws EC2 DescribeRegions us-east-1 HTTP 200/));
  });

  it('never writes a secret: no key, no signature, no webhook URL', async () => {
    const topicArn = account.createTopic('debug-alerts');
    account.putReplication('us-east-1', toEuWest1);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const webhook = `${account.url}/slack/T000/B000/debug-s3cr3t`;

    const scan = await runMain(['scan', '--debug'], { env: envWithKeys(), clock: account.clock });
    const handle = await runMain(
      [
        'handle',
        join(EVENTS_DIR, 'scheduled-event.json'),
        '--state-file',
        join(dir, 'debug.json'),
        '--debug',
      ],
      {
        env: { ...envWithKeys(), ALERT_TOPIC_ARN: topicArn, SLACK_WEBHOOK_URL: webhook },
        clock: account.clock,
      },
    );

    expect(handle.stderr).toMatch(/"message":"aws call".*"service":"SNS","operation":"Publish"/);
    for (const text of [scan.stderr, handle.stderr]) {
      for (const secret of [
        'AKIDFROMENVIRONMENT',
        'environment-secret',
        'Signature',
        'Credential=',
        'debug-s3cr3t',
        '/slack/',
      ])
        expect(text).not.toContain(secret);
    }
  });
});
