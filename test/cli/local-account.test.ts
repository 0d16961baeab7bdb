import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_DIR } from '../../events/index.js';
import type { HandleResult } from '../../functions/app/event/handle-event.js';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import { listOrganizationAccounts } from '../../functions/organization/accounts.js';
import { type RunningCli, runMain, startCli } from '../support/cli.js';

/*
 * `local-account` as the README uses it: started in one terminal, `handle` run from another, every message it
 * receives printed where it runs. The command runs until interrupted, so it runs in a child process here.
 */

describe('local-account --port', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
  });

  it('says that a port in use is in use, and how to pick another, without a stack trace', async () => {
    const run = await runMain(['local-account', '--port', String(port)]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(run.stderr).toContain('--port');
    expect(run.stderr).toMatch(/omit --port/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the README's handle example, end to end", () => {
  let server: RunningCli;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readme-example-'));
    server = startCli(['local-account', '--scenario', 'role-missing', '--no-color'], {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    await server.waitFor(/Press Ctrl-C to stop/);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A line the local account printed at start: `KEY=value` in its export line. */
  const printed = (name: string): string => {
    const match = new RegExp(`${name}=(\\S+)`).exec(server.stdout());
    if (!match?.[1]) throw new Error(`local-account did not print ${name}:\n${server.stdout()}`);
    return match[1];
  };

  it('prints what to export: the endpoint, a topic ARN and the Slack sink URL', () => {
    expect(printed('AWS_ENDPOINT_URL')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed('ALERT_TOPIC_ARN')).toBe('arn:aws:sns:us-east-1:123456789012:ecr-replication-role-alerts');
    expect(printed('SLACK_WEBHOOK_URL')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\//);
  });

  it('handle announces the finding, and local-account prints the Slack and SNS messages it received', async () => {
    const env = {
      AWS_ENDPOINT_URL: printed('AWS_ENDPOINT_URL'),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
      ALERT_TOPIC_ARN: printed('ALERT_TOPIC_ARN'),
      SLACK_WEBHOOK_URL: printed('SLACK_WEBHOOK_URL'),
    };

    const run = await runMain(
      ['handle', join(EVENTS_DIR, 'iam-delete-role.json'), '--state-file', join(dir, 'state.json')],
      { env },
    );

    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as HandleResult;
    expect(result.notifications).toEqual([
      { transition: 'opened', code: 'ROLE_MISSING', channels: ['sns', 'slack'], failed: [] },
    ]);
    const shown = await server.waitFor(
      /SNS message received[\s\S]*Slack message received|Slack message received[\s\S]*SNS message received/,
    );
    expect(shown).toContain(
      'ap-southeast-2 replicates but the role AWSServiceRoleForECRReplication does not exist',
    );
    expect(shown).toContain('Account: 123456789012');
    expect(shown).toContain(
      'SNS message received on ecr-replication-role-alerts (severity=high code=ROLE_MISSING account=123456789012 transition=opened)',
    );
    expect(shown).not.toContain('"blocks"');
    expect(shown).not.toContain('\u001b');
  });
});

describe('local-account --scenario organization', () => {
  let server: RunningCli;
  beforeAll(async () => {
    server = startCli(['local-account', '--scenario', 'organization', '--regions', 'us-east-1,eu-west-1'], {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    await server.waitFor(/Press Ctrl-C to stop/);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('says what it serves, and serves the organization to the caller and each member through its read role', async () => {
    const url = /AWS_ENDPOINT_URL=(\S+)/.exec(server.stdout())?.[1] ?? '';
    const config = {
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };

    const listed = await listOrganizationAccounts(new OrganizationsClient(config));
    const { Credentials: issued } = await new STSClient(config).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::111111111111:role/${MEMBER_READ_ROLE_NAME}`,
        RoleSessionName: 'cli-test',
      }),
    );

    expect(server.stdout()).toContain('scenario organization: 123456789012 manages 6 member accounts');
    expect(listed.map((account) => `${account.name}:${account.state}`)).toEqual([
      'prod-eu:ACTIVE',
      'management:ACTIVE',
      'payments:ACTIVE',
      'legacy:ACTIVE',
      'sandbox:ACTIVE',
      'no-read-role:ACTIVE',
      'closed-dev:SUSPENDED',
    ]);
    expect(issued?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
  });
});
