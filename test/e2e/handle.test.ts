import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS_DIR } from '../../events/index.js';
import { SLACK_DEFAULTS } from '../../functions/adapters/slack/delivery.js';
import type { HandleResult } from '../../functions/app/event/handle-event.js';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { EVENT_SAMPLES } from '../events/sample-expectations.js';
import { runCli, runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * `handle` end to end against the local account, in process through `main` with a test clock (the grace pause
 * costs no time, and is recorded). One run in a child process shows what a real process prints.
 */

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
let dir: string;
let topicArn: string;

beforeAll(() => {
  topicArn = account.createTopic('alerts');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  ...account.env,
  ALERT_TOPIC_ARN: topicArn,
  SLACK_WEBHOOK_URL: account.slackWebhookUrl,
  ...extra,
});
const handle = (args: string[], extra: Record<string, string> = {}) =>
  runMain(['handle', ...args], { env: env(extra), clock: account.clock });
const results = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HandleResult);

describe('handle', () => {
  it('gives the expected relevance for every sample event, and a clear error for malformed ones', async () => {
    account.putReplication('us-east-1', [
      { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] },
    ]);
    const files = EVENT_SAMPLES.map((sample) => join(EVENTS_DIR, sample.file));

    const run = await handle([...files, '--state-file', join(dir, 'state.json')]);

    const wellFormed = EVENT_SAMPLES.filter((sample) => !sample.malformed);
    const printed = results(run.stdout);
    expect(printed).toHaveLength(wellFormed.length);
    printed.forEach((result, index) => {
      const sample = wellFormed[index];
      expect(result.relevant, sample?.file).toBe(sample?.relevant);
      expect(result.report === null, sample?.file).toBe(!sample?.relevant);
    });
    for (const sample of EVENT_SAMPLES.filter((s) => s.malformed)) expect(run.stderr).toContain(sample.file);
    expect(run.code).toBe(1);
  });

  it('announces a missing role once to Slack and SNS, and its resolution once', async () => {
    account.putReplication('ap-southeast-2', [
      { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] },
    ]);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const state = ['--state-file', join(dir, 'state.json')];
    const deleted = join(EVENTS_DIR, 'iam-delete-role.json');
    const schedule = join(EVENTS_DIR, 'scheduled-event.json');
    const slackBefore = account.slackMessages.length;
    const snsBefore = account.published.length;

    const first = await handle([deleted, deleted, schedule, ...state]);
    account.createServiceLinkedRole();
    const second = await handle([
      join(EVENTS_DIR, 'iam-create-service-linked-role.json'),
      schedule,
      ...state,
    ]);

    const notifications = [...results(first.stdout), ...results(second.stdout)].flatMap(
      (r) => r.notifications,
    );
    expect(notifications).toEqual([
      { transition: 'opened', code: 'ROLE_MISSING', channels: ['sns', 'slack'], failed: [] },
      { transition: 'resolved', code: 'ROLE_MISSING', channels: ['sns', 'slack'], failed: [] },
    ]);
    expect(account.slackMessages.length - slackBefore).toBe(2);
    const published = account.published.slice(snsBefore);
    expect(published.map((p) => p.attributes)).toEqual([
      { severity: 'high', code: 'ROLE_MISSING', account: '123456789012', transition: 'opened' },
      { severity: 'high', code: 'ROLE_MISSING', account: '123456789012', transition: 'resolved' },
    ]);
    expect(JSON.parse(published[0]?.message ?? '{}')).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
  });

  it('holds a high finding for the grace delay, then confirms it', async () => {
    account.putReplication('ap-southeast-2', [
      { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] },
    ]);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);

    const run = await handle([
      join(EVENTS_DIR, 'iam-delete-role.json'),
      '--state-file',
      join(dir, 'state.json'),
      '--grace-seconds',
      '60',
    ]);

    const [result] = results(run.stdout);
    expect(result?.deferred).toEqual(['ROLE_MISSING']);
    expect(result?.notifications.map((n) => n.transition)).toEqual(['opened']);
    expect(run.stderr).toContain('waiting out the grace delay');
    // The pause was asked of the clock, which moved on at once.
    expect(account.clock.sleeps).toEqual([60_000]);
  });

  it('still delivers to SNS when Slack fails, exits 1 so that Slack is retried, and never prints the webhook URL', async () => {
    account.putReplication('ap-southeast-2', [
      { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] },
    ]);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const secretUrl = `${account.url}/slack/T000/B000/s3cr3t-t0ken-value`;
    // Slack fails every attempt, retryably; Retry-After: 0 so that the retries cost no real time (the CLI's
    // SlackNotifier waits with its own timer, not the run's clock).
    account.slackRespond(
      ...Array.from({ length: SLACK_DEFAULTS.maxAttempts }, () => ({
        status: 429,
        body: 'rate_limited',
        headers: { 'retry-after': '0' },
      })),
    );

    const run = await handle(
      [join(EVENTS_DIR, 'scheduled-event.json'), '--state-file', join(dir, 'state.json')],
      { SLACK_WEBHOOK_URL: secretUrl },
    );

    const [result] = results(run.stdout);
    expect(result?.notifications[0]).toMatchObject({ channels: ['sns'], failed: [{ channel: 'slack' }] });
    expect(run.stderr).toContain('alert not delivered');
    expect(run.stderr).toContain(`failed after ${SLACK_DEFAULTS.maxAttempts} attempts: HTTP 429`);
    expect(run.stderr).toContain('ROLE_MISSING opened to slack');
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cr3t-t0ken-value');
  });

  it('never prints the webhook URL in a real process, even when Slack echoes it, and exits 1 for the undelivered alert', async () => {
    // A child process: what really reaches stdout and stderr, and the exit code the shell gets.
    account.putReplication('ap-southeast-2', [
      { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] },
    ]);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    const secretUrl = `${account.url}/slack/T000/B000/s3cr3t-t0ken-value`;
    // Refused at once (no retry, so no back-off in the child), with the URL in Slack's answer.
    account.slackRespond({ status: 404, body: `channel_not_found for ${secretUrl}` });

    const run = await runCli(
      ['handle', join(EVENTS_DIR, 'scheduled-event.json'), '--state-file', join(dir, 'state.json')],
      env({ SLACK_WEBHOOK_URL: secretUrl }),
    );

    const [result] = results(run.stdout);
    expect(result?.notifications[0]).toMatchObject({ channels: ['sns'], failed: [{ channel: 'slack' }] });
    expect(run.stderr).toContain('alert not delivered');
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cr3t-t0ken-value');
    expect(run.code).toBe(1);
  });

  it('fails a file that is not JSON and still handles the others', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ not json');

    const run = await handle([
      bad,
      join(EVENTS_DIR, 'scheduled-event.json'),
      '--state-file',
      join(dir, 's.json'),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.json');
    expect(results(run.stdout)).toHaveLength(1);
  });
});
