import { describe, expect, it } from 'vitest';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/* `policy`: the least-privilege IAM policy a person or a CI job needs, as JSON ready for `aws iam create-policy`. */

interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
}
interface PolicyDocument {
  readonly Version: string;
  readonly Statement: Statement[];
}

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });

async function policy(...args: string[]): Promise<PolicyDocument> {
  const run = await runMain(['policy', ...args]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as PolicyDocument;
}
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const actions = (document: PolicyDocument) => document.Statement.flatMap((s) => list(s.Action));
const resourcesOf = (document: PolicyDocument, action: string) =>
  document.Statement.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));

const ROLE_ARNS = [
  `arn:aws:iam::*:role${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}`,
  `arn:aws:iam::*:role/${REPLICATION_ROLE.name}`,
  `arn:aws:iam::*:role/*/${REPLICATION_ROLE.name}`,
];

describe('policy', () => {
  it('prints the policy scan needs by default: reads only, the role at any path', async () => {
    const document = await policy();

    expect(document.Version).toBe('2012-10-17');
    expect(document.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(actions(document).sort()).toEqual(
      [
        'ec2:DescribeRegions',
        'ecr:DescribeRegistry',
        'iam:GetRole',
        'iam:GetServiceLinkedRoleDeletionStatus',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'sts:GetCallerIdentity',
      ].sort(),
    );
    expect(resourcesOf(document, 'iam:GetRole')).toEqual(ROLE_ARNS);
    expect(resourcesOf(document, 'iam:GetServiceLinkedRoleDeletionStatus')).toEqual([ROLE_ARNS[0]]);
    expect(resourcesOf(document, 'ecr:DescribeRegistry')).toEqual(['*']);
    expect(await policy('--for', 'scan')).toEqual(document);
  });

  it('covers every call a scan makes', async () => {
    account.createServiceLinkedRole();
    account.resetCalls();
    await runMain(['scan'], { env: account.env, clock: account.clock });

    const allowed = new Set(actions(await policy()));
    const made = new Set(account.calls.map((call) => `${call.service}:${call.operation}`));

    expect([...made].filter((action) => !allowed.has(action))).toEqual([]);
  });

  it('for an organization: the scan policy, the account list, and the member read role', async () => {
    const scan = await policy();
    const organization = await policy('--for', 'organization');

    expect(actions(organization)).toEqual(expect.arrayContaining(actions(scan)));
    expect(actions(organization)).toEqual(
      expect.arrayContaining([
        'organizations:ListAccounts',
        'organizations:DescribeOrganization',
        'sts:AssumeRole',
      ]),
    );
    expect(resourcesOf(organization, 'sts:AssumeRole')).toEqual([
      'arn:aws:iam::*:role/ecr-replication-role-reconciler-read',
    ]);
  });

  it('for deploy: CloudFormation through the CDK bootstrap roles', async () => {
    const deploy = await policy('--for', 'deploy');

    expect(resourcesOf(deploy, 'sts:AssumeRole')).toEqual(['arn:aws:iam::*:role/cdk-*']);
    expect(actions(deploy).some((action) => action.startsWith('cloudformation:'))).toBe(true);
  });

  it('grants no write anywhere but the deploy roles', async () => {
    for (const purpose of ['scan', 'organization']) {
      const writes = actions(await policy('--for', purpose)).filter((action) =>
        /:(Create|Delete|Put|Update|Attach|Detach|Tag|Untag)/.test(action),
      );
      expect(writes, purpose).toEqual([]);
    }
  });

  it('documents itself and refuses an unknown purpose', async () => {
    const help = await runMain(['policy', '--help']);
    const bad = await runMain(['policy', '--for', 'everything']);

    expect(help.stdout).toContain(
      'Usage: ecr-role-reconciler policy [--for scan|organization|member|deploy]',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--for must be one of scan, organization, member, deploy');
  });
});
