import {
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  ServiceFailureException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readDeletionTask, readRole } from '../../functions/adapters/iam-role.js';
import { managedPolicyArn, REPLICATION_ROLE } from '../../functions/core/constants.js';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}`;
const TRUST_ENCODED = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: REPLICATION_ROLE.servicePrincipal },
        Action: 'sts:AssumeRole',
      },
    ],
  }),
);
const TASK_ID = `task${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;

const iamMock = mockClient(IAMClient);

function iamError(name: string, message: string, httpStatusCode = 400) {
  return new IAMServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

function getRoleAnswer(overrides: Record<string, unknown> = {}) {
  return {
    Role: {
      RoleName: REPLICATION_ROLE.name,
      RoleId: 'AROAEXAMPLE',
      Arn: ROLE_ARN,
      Path: REPLICATION_ROLE.path,
      CreateDate: new Date('2025-01-01T00:00:00Z'),
      AssumeRolePolicyDocument: TRUST_ENCODED,
      RoleLastUsed: { LastUsedDate: new Date('2026-10-01T12:30:00Z'), Region: 'eu-west-1' },
      ...overrides,
    },
  };
}

const client = () => new IAMClient({ region: 'us-east-1' });

/**
 * Answers a list operation page by page, the page chosen by the request's `Marker` (as IAM does), and records the
 * markers as they were sent: the paginator reuses one input object, so recorded inputs only show the last one.
 */
function byMarker<Page extends { Marker?: string }>(pages: Page[], markers: (string | undefined)[]) {
  return (input: { RoleName: string; Marker?: string }): Page | undefined => {
    expect(input.RoleName).toBe(REPLICATION_ROLE.name);
    markers.push(input.Marker);
    return input.Marker === undefined
      ? pages[0]
      : pages[pages.findIndex((page) => page.Marker === input.Marker) + 1];
  };
}

describe('readRole', () => {
  beforeEach(() => {
    iamMock.reset();
    iamMock.on(GetRoleCommand).resolves(getRoleAnswer());
    iamMock
      .on(ListAttachedRolePoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyArn: managedPolicyArn() }], IsTruncated: false });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [], IsTruncated: false });
  });

  it('reads the role by its exact name and passes its fields through', async () => {
    // Act
    const read = await readRole(client());

    // Assess
    expect(read).toEqual({
      outcome: 'present',
      role: {
        roleName: REPLICATION_ROLE.name,
        arn: ROLE_ARN,
        path: REPLICATION_ROLE.path,
        assumeRolePolicyDocument: TRUST_ENCODED,
        createDate: '2025-01-01T00:00:00.000Z',
        lastUsed: { date: '2026-10-01T12:30:00.000Z', region: 'eu-west-1' },
        attachedPolicyArns: [managedPolicyArn()],
        inlinePolicyNames: [],
      },
    });
    expect(iamMock.commandCalls(GetRoleCommand)[0]?.args[0].input).toEqual({
      RoleName: REPLICATION_ROLE.name,
    });
  });

  it.each([
    ['an empty RoleLastUsed', {}],
    ['no RoleLastUsed', undefined],
  ])('reports lastUsed as undefined for %s', async (_label, roleLastUsed) => {
    // Prepare
    iamMock.on(GetRoleCommand).resolves(getRoleAnswer({ RoleLastUsed: roleLastUsed }));

    // Act
    const read = await readRole(client());

    // Assess
    expect(read.outcome === 'present' && read.role).toMatchObject({ lastUsed: undefined });
  });

  it('reports a missing role as absent, whatever the policy listings answer', async () => {
    // Prepare
    const missing = () =>
      new NoSuchEntityException({
        message: `The role with name ${REPLICATION_ROLE.name} cannot be found.`,
        $metadata: { httpStatusCode: 404 },
      });
    iamMock.on(GetRoleCommand).rejects(missing());
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(missing());
    iamMock.on(ListRolePoliciesCommand).rejects(missing());

    // Act
    const read = await readRole(client());

    // Assess
    expect(read).toEqual({ outcome: 'absent' });
  });

  it('asks for the role and both policy lists at once: one round trip', async () => {
    // Prepare
    const events: string[] = [];
    // Each read starts, lets the event loop turn once (no timer: reads asked at once have all started by then),
    // then answers. Read one after another, a read would end before the next starts.
    const arrive = async (name: string) => {
      events.push(`start ${name}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
    };
    iamMock.on(GetRoleCommand).callsFake(async () => {
      await arrive('GetRole');
      return getRoleAnswer();
    });
    iamMock.on(ListAttachedRolePoliciesCommand).callsFake(async () => {
      await arrive('ListAttachedRolePolicies');
      return { AttachedPolicies: [] };
    });
    iamMock.on(ListRolePoliciesCommand).callsFake(async () => {
      await arrive('ListRolePolicies');
      return { PolicyNames: [] };
    });

    // Act
    const read = await readRole(client(), 2_000);

    // Assess
    expect(read.outcome).toBe('present');
    expect(events.slice(0, 3).sort()).toEqual([
      'start GetRole',
      'start ListAttachedRolePolicies',
      'start ListRolePolicies',
    ]);
  });

  it.each([
    ['access denied', iamError('AccessDenied', 'not authorized to perform: iam:GetRole', 403)],
    ['throttling', iamError('Throttling', 'Rate exceeded')],
    [
      'a service failure',
      new ServiceFailureException({ message: 'failure', $metadata: { httpStatusCode: 500 } }),
    ],
  ])('reports %s on GetRole as unreadable, never absent', async (_label, err) => {
    // Prepare
    iamMock.on(GetRoleCommand).rejects(err);

    // Act
    const read = await readRole(client());

    // Assess
    expect(read).toEqual({ outcome: 'unreadable', error: { code: err.name, message: err.message } });
  });

  it('reports a GetRole answer without a Role as unreadable', async () => {
    // Prepare
    iamMock.on(GetRoleCommand).resolves({});

    // Act
    const read = await readRole(client());

    // Assess
    expect(read).toMatchObject({ outcome: 'unreadable', error: { code: 'InvalidResponse' } });
  });

  it('follows Marker through every page of attached policies', async () => {
    // Prepare
    const extra = `arn:aws:iam::${ACCOUNT}:policy/extra`;
    const third = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const markers: (string | undefined)[] = [];
    const pages = [
      { AttachedPolicies: [{ PolicyArn: managedPolicyArn() }], IsTruncated: true, Marker: 'm1' },
      { AttachedPolicies: [{ PolicyArn: extra }], IsTruncated: true, Marker: 'm2' },
      { AttachedPolicies: [{ PolicyArn: third }], IsTruncated: false },
    ];
    iamMock.on(ListAttachedRolePoliciesCommand).callsFake(byMarker(pages, markers));

    // Act
    const read = await readRole(client());

    // Assess
    expect(read.outcome === 'present' && read.role.attachedPolicyArns).toEqual([
      managedPolicyArn(),
      extra,
      third,
    ]);
    expect(markers).toEqual([undefined, 'm1', 'm2']);
  });

  it('follows Marker through every page of inline policies', async () => {
    // Prepare
    const markers: (string | undefined)[] = [];
    const pages = [
      { PolicyNames: ['first'], IsTruncated: true, Marker: 'p1' },
      { PolicyNames: ['second', 'third'], IsTruncated: false },
    ];
    iamMock.on(ListRolePoliciesCommand).callsFake(byMarker(pages, markers));

    // Act
    const read = await readRole(client());

    // Assess
    expect(read.outcome === 'present' && read.role.inlinePolicyNames).toEqual(['first', 'second', 'third']);
    expect(markers).toEqual([undefined, 'p1']);
  });

  it('keeps the role present when the attached list fails on a later page, with that list unknown', async () => {
    // Prepare
    iamMock
      .on(ListAttachedRolePoliciesCommand)
      .resolvesOnce({
        AttachedPolicies: [{ PolicyArn: managedPolicyArn() }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .rejectsOnce(iamError('Throttling', 'Rate exceeded'));
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['inline-one'], IsTruncated: false });

    // Act
    const read = await readRole(client());

    // Assess
    expect(read.outcome).toBe('present');
    expect(read.outcome === 'present' && read.role).toMatchObject({
      arn: ROLE_ARN,
      attachedPolicyArns: undefined,
      inlinePolicyNames: ['inline-one'],
      policiesError: { code: 'Throttling', message: 'Rate exceeded' },
    });
  });

  it('keeps the role present when the inline list is denied, with that list unknown', async () => {
    // Prepare
    iamMock.on(ListRolePoliciesCommand).rejects(iamError('AccessDenied', 'no iam:ListRolePolicies', 403));

    // Act
    const read = await readRole(client());

    // Assess
    expect(read.outcome === 'present' && read.role).toMatchObject({
      attachedPolicyArns: [managedPolicyArn()],
      inlinePolicyNames: undefined,
      policiesError: { code: 'AccessDenied', message: 'no iam:ListRolePolicies' },
    });
  });

  it('sets no policiesError when both lists are read', async () => {
    // Act
    const read = await readRole(client());

    // Assess
    expect(read.outcome === 'present' && 'policiesError' in read.role).toBe(false);
  });
});

describe('readDeletionTask', () => {
  beforeEach(() => {
    iamMock.reset();
  });

  it('reports a failed deletion with the Regions and resources still using the role', async () => {
    // Prepare
    iamMock.on(GetServiceLinkedRoleDeletionStatusCommand).resolves({
      Status: 'FAILED',
      Reason: {
        Reason: 'The role is in use by replication',
        RoleUsageList: [
          { Region: 'eu-west-1', Resources: [`arn:aws:ecr:eu-west-1:${ACCOUNT}:registry`] },
          { Region: 'ap-south-1' },
        ],
      },
    });

    // Act
    const task = await readDeletionTask(client(), TASK_ID);

    // Assess
    expect(task).toEqual({
      taskId: TASK_ID,
      status: 'FAILED',
      reason: 'The role is in use by replication',
      usage: [
        { region: 'eu-west-1', resources: [`arn:aws:ecr:eu-west-1:${ACCOUNT}:registry`] },
        { region: 'ap-south-1', resources: [] },
      ],
    });
    expect(iamMock.commandCalls(GetServiceLinkedRoleDeletionStatusCommand)[0]?.args[0].input).toEqual({
      DeletionTaskId: TASK_ID,
    });
  });

  it.each(['SUCCEEDED', 'IN_PROGRESS', 'NOT_STARTED'] as const)(
    'reports %s without a reason',
    async (status) => {
      // Prepare
      iamMock.on(GetServiceLinkedRoleDeletionStatusCommand).resolves({ Status: status });

      // Act
      const task = await readDeletionTask(client(), TASK_ID);

      // Assess
      expect(task).toEqual({ taskId: TASK_ID, status, reason: undefined, usage: [] });
    },
  );

  it('reports a status it does not know as UNKNOWN', async () => {
    // Prepare
    iamMock
      .on(GetServiceLinkedRoleDeletionStatusCommand)
      .resolves({ Status: 'PAUSED' as unknown as 'FAILED' });

    // Act
    const task = await readDeletionTask(client(), TASK_ID);

    // Assess
    expect(task.status).toBe('UNKNOWN');
  });

  it('reports a failed status read as UNKNOWN with the error, without throwing', async () => {
    // Prepare
    iamMock
      .on(GetServiceLinkedRoleDeletionStatusCommand)
      .rejects(new NoSuchEntityException({ message: 'no such task', $metadata: { httpStatusCode: 404 } }));

    // Act
    const task = await readDeletionTask(client(), TASK_ID);

    // Assess
    expect(task).toEqual({
      taskId: TASK_ID,
      status: 'UNKNOWN',
      reason: undefined,
      usage: [],
      error: { code: 'NoSuchEntityException', message: 'no such task' },
    });
  });
});
