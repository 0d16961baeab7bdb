import { describe, expect, it } from 'vitest';
import { type Classification, classify } from '../../functions/core/classify.js';
import type { CloudTrailRecord, EventEnvelope, ParsedEvent } from '../../functions/core/parsed-event.js';
import { ROLE_EVENT_NAMES } from '../../functions/core/watched-events.js';

const ROLE = 'AWSServiceRoleForECRReplication';
const PRINCIPAL = 'replication.ecr.amazonaws.com';
const ACTOR = 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice@example.com';
/** A value far longer than any the reason may quote. */
const HUGE = 'h'.repeat(100_000);

const envelope = (overrides: Partial<EventEnvelope> = {}): EventEnvelope => ({
  version: '0',
  id: 'env-1',
  source: 'aws.iam',
  account: '123456789012',
  time: '2025-03-14T09:27:00Z',
  region: 'us-east-1',
  resources: [],
  'detail-type': 'AWS API Call via CloudTrail',
  ...overrides,
});

const call = (
  detail: Partial<CloudTrailRecord> & Pick<CloudTrailRecord, 'eventSource' | 'eventName'>,
): ParsedEvent => ({
  ...envelope({ source: detail.eventSource === 'ecr.amazonaws.com' ? 'aws.ecr' : 'aws.iam' }),
  shape: 'cloudtrail',
  detail: {
    eventID: 'ct-1',
    eventTime: '2025-03-14T09:26:53Z',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'AssumedRole', arn: ACTOR },
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.22.35',
    requestParameters: null,
    responseElements: null,
    ...detail,
  },
});

const iam = (
  eventName: string,
  requestParameters: Record<string, unknown> | null,
  extra: Partial<CloudTrailRecord> = {},
) => call({ eventSource: 'iam.amazonaws.com', eventName, requestParameters, ...extra });

const ecr = (eventName: string, extra: Partial<CloudTrailRecord> = {}) =>
  call({ eventSource: 'ecr.amazonaws.com', eventName, ...extra });

const kindOf = (classification: Classification) =>
  classification.relevant ? classification.trigger.kind : undefined;

describe('classify: relevant events', () => {
  it.each<[string, ParsedEvent, string, string]>([
    [
      'PutReplicationConfiguration in us-east-1',
      ecr('PutReplicationConfiguration'),
      'replication-change',
      'PutReplicationConfiguration in us-east-1',
    ],
    [
      'PutReplicationConfiguration in a far Region',
      ecr('PutReplicationConfiguration', { awsRegion: 'ap-southeast-2' }),
      'replication-change',
      'PutReplicationConfiguration in ap-southeast-2',
    ],
    [
      'CreateServiceLinkedRole by aWSServiceName',
      iam('CreateServiceLinkedRole', { aWSServiceName: PRINCIPAL }),
      'role-change',
      `CreateServiceLinkedRole on ${ROLE}`,
    ],
    [
      'CreateServiceLinkedRole by awsServiceName',
      iam('CreateServiceLinkedRole', { awsServiceName: PRINCIPAL }),
      'role-change',
      `CreateServiceLinkedRole on ${ROLE}`,
    ],
    [
      'service name key and value in another case',
      iam('CreateServiceLinkedRole', { AWSServiceName: 'Replication.ECR.amazonaws.com' }),
      'role-change',
      `CreateServiceLinkedRole on ${ROLE}`,
    ],
    [
      'role name in lower case',
      iam('DeleteRole', { roleName: ROLE.toLowerCase() }),
      'role-change',
      `DeleteRole on ${ROLE}`,
    ],
    [
      'role name in upper case',
      iam('CreateRole', { roleName: ROLE.toUpperCase(), path: '/' }),
      'role-change',
      `CreateRole on ${ROLE}`,
    ],
    [
      'RoleName key spelled as in the API',
      iam('UpdateRole', { RoleName: ROLE }),
      'role-change',
      `UpdateRole on ${ROLE}`,
    ],
  ])('%s', (_name, event, kind, reason) => {
    const classification = classify(event);

    expect(kindOf(classification)).toBe(kind);
    expect(classification.reason).toBe(reason);
  });

  it.each(ROLE_EVENT_NAMES)('IAM %s on the role is a role change', (eventName) => {
    const classification = classify(iam(eventName, { roleName: ROLE }));

    expect(classification).toMatchObject({ relevant: true, trigger: { kind: 'role-change', eventName } });
  });

  it('carries who did what, from where, as the trigger context', () => {
    const event = ecr('PutReplicationConfiguration', { eventID: 'ct-42', awsRegion: 'eu-west-1' });

    const classification = classify(event);

    expect(classification).toEqual({
      relevant: true,
      reason: 'PutReplicationConfiguration in eu-west-1',
      trigger: {
        kind: 'replication-change',
        eventId: 'ct-42',
        time: '2025-03-14T09:26:53Z',
        region: 'eu-west-1',
        context: {
          eventId: 'ct-42',
          eventName: 'PutReplicationConfiguration',
          eventTime: '2025-03-14T09:26:53Z',
          eventSource: 'ecr.amazonaws.com',
          awsRegion: 'eu-west-1',
          actorArn: ACTOR,
          sourceIPAddress: '198.51.100.23',
          userAgent: 'aws-cli/2.22.35',
        },
      },
    });
  });

  it('leaves out of the context what the record does not say', () => {
    const event = iam(
      'CreateServiceLinkedRole',
      { aWSServiceName: PRINCIPAL },
      {
        userIdentity: { type: 'AWSService', invokedBy: 'ecr.amazonaws.com' },
        sourceIPAddress: null,
        userAgent: undefined,
      },
    );

    const classification = classify(event);

    expect(
      classification.relevant &&
        classification.trigger.kind === 'role-change' &&
        classification.trigger.context,
    ).toEqual({
      eventId: 'ct-1',
      eventName: 'CreateServiceLinkedRole',
      eventTime: '2025-03-14T09:26:53Z',
      eventSource: 'iam.amazonaws.com',
      awsRegion: 'us-east-1',
    });
  });

  it('extracts the deletion task of DeleteServiceLinkedRole', () => {
    const taskId = `task/aws-service-role/${PRINCIPAL}/${ROLE}/0b6b1f3c-7a39-4a4e-9f0e-2d1b1c3c4d5e`;
    const event = iam(
      'DeleteServiceLinkedRole',
      { roleName: ROLE },
      { responseElements: { deletionTaskId: taskId } },
    );

    const classification = classify(event);

    expect(classification).toMatchObject({
      relevant: true,
      trigger: { kind: 'role-change', deletionTaskId: taskId },
    });
  });

  it.each<[string, Record<string, unknown> | null]>([
    ['no response', null],
    ['a non-string task id', { deletionTaskId: 42 }],
    ['an empty task id', { deletionTaskId: '' }],
  ])('sets no deletion task when there is %s', (_name, responseElements) => {
    const classification = classify(iam('DeleteServiceLinkedRole', { roleName: ROLE }, { responseElements }));

    expect(classification.relevant).toBe(true);
    expect(classification.relevant && 'deletionTaskId' in classification.trigger).toBe(false);
  });

  it('takes no deletion task from calls other than DeleteServiceLinkedRole', () => {
    const event = iam('DeleteRole', { roleName: ROLE }, { responseElements: { deletionTaskId: 'task/x' } });

    const classification = classify(event);

    expect(classification.relevant && 'deletionTaskId' in classification.trigger).toBe(false);
  });

  it('reconciles on the schedule', () => {
    const event: ParsedEvent = {
      ...envelope({
        id: 'sched-1',
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        time: '2025-03-14T12:00:00Z',
        resources: ['arn:aws:events:us-east-1:123456789012:rule/Schedule'],
      }),
      shape: 'schedule',
      detail: {},
    };

    const classification = classify(event);

    expect(classification).toEqual({
      relevant: true,
      trigger: { kind: 'schedule', eventId: 'sched-1', time: '2025-03-14T12:00:00Z' },
      reason: 'scheduled reconcile (arn:aws:events:us-east-1:123456789012:rule/Schedule)',
    });
  });

  it.each(['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED'])(
    'reconciles when a Region becomes %s',
    (status) => {
      const event: ParsedEvent = {
        ...envelope({ id: 'acct-1', source: 'aws.account', 'detail-type': 'Region Opt-In Status Change' }),
        shape: 'region-opt-in',
        detail: { accountId: '123456789012', regionName: 'ap-southeast-4', status },
      };

      const classification = classify(event);

      expect(classification).toEqual({
        relevant: true,
        trigger: {
          kind: 'region-opt-in',
          eventId: 'acct-1',
          time: '2025-03-14T09:27:00Z',
          region: 'ap-southeast-4',
          status,
        },
        reason: `Region ap-southeast-4 opt-in status is ${status}`,
      });
    },
  );
});

describe('classify: events that are not relevant', () => {
  it.each<[string, ParsedEvent, string]>([
    [
      'a prefix look-alike role',
      iam('CreateRole', { roleName: `${ROLE}X` }),
      `IAM CreateRole on role "${ROLE}X", not ${ROLE}`,
    ],
    [
      'a role named by a shorter prefix',
      iam('DeleteRole', { roleName: 'AWSServiceRoleForECR' }),
      `IAM DeleteRole on role "AWSServiceRoleForECR", not ${ROLE}`,
    ],
    [
      'the pull-through cache role',
      iam('CreateServiceLinkedRole', { aWSServiceName: 'pullthroughcache.ecr.amazonaws.com' }),
      `IAM CreateServiceLinkedRole on the role of "pullthroughcache.ecr.amazonaws.com", not ${ROLE}`,
    ],
    [
      'the template role',
      iam('DeleteServiceLinkedRole', { roleName: 'AWSServiceRoleForECRTemplate' }),
      `IAM DeleteServiceLinkedRole on role "AWSServiceRoleForECRTemplate", not ${ROLE}`,
    ],
    [
      'a service name that only contains the principal',
      iam('CreateServiceLinkedRole', { aWSServiceName: `x.${PRINCIPAL}` }),
      `IAM CreateServiceLinkedRole on the role of "x.${PRINCIPAL}", not ${ROLE}`,
    ],
    [
      'an unrelated role',
      iam('CreateRole', { roleName: 'ci-ecr-push' }),
      `IAM CreateRole on role "ci-ecr-push", not ${ROLE}`,
    ],
    ['a call naming no role', iam('DeleteRole', null), `IAM DeleteRole on no named role, not ${ROLE}`],
    [
      'a role name that is not a string',
      iam('DeleteRole', { roleName: [ROLE] }),
      `IAM DeleteRole on no named role, not ${ROLE}`,
    ],
    [
      'the role name in another parameter',
      iam('PutRolePolicy', { policyName: ROLE }),
      `IAM PutRolePolicy on no named role, not ${ROLE}`,
    ],
    [
      'an unwatched IAM call on the role',
      iam('TagRole', { roleName: ROLE }),
      'IAM TagRole is not a role change that is watched',
    ],
    [
      'a read of the role',
      iam('GetRole', { roleName: ROLE }),
      'IAM GetRole is not a role change that is watched',
    ],
    [
      'an event name in another case',
      iam('deleterole', { roleName: ROLE }),
      'IAM deleterole is not a role change that is watched',
    ],
    ['another ECR call', ecr('CreateRepository'), 'ECR CreateRepository does not change replication'],
    ['an ECR read', ecr('DescribeRegistry'), 'ECR DescribeRegistry does not change replication'],
    [
      'a replication call from another service',
      call({ eventSource: 's3.amazonaws.com', eventName: 'PutReplicationConfiguration' }),
      'not an ECR or IAM call: s3.amazonaws.com PutReplicationConfiguration',
    ],
    [
      'an IAM-like call from another source',
      call({
        eventSource: 'sts.amazonaws.com',
        eventName: 'DeleteRole',
        requestParameters: { roleName: ROLE },
      }),
      'not an ECR or IAM call: sts.amazonaws.com DeleteRole',
    ],
    [
      'any other EventBridge event',
      {
        ...envelope({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }),
        shape: 'other',
        detail: {},
      },
      'unsupported event: aws.ec2 "EC2 Instance State-change Notification"',
    ],
  ])('%s', (_name, event, reason) => {
    const classification = classify(event);

    expect(classification).toEqual({ relevant: false, reason });
  });

  it('bounds the text it copies from the event into the reason', () => {
    const classification = classify(iam('CreateRole', { roleName: 'r'.repeat(10_000) }));

    expect(classification.relevant).toBe(false);
    expect(classification.reason.length).toBeLessThan(250);
  });

  it.each<[string, ParsedEvent]>([
    ['a role name', iam('CreateRole', { roleName: HUGE })],
    ['a service name', iam('CreateServiceLinkedRole', { aWSServiceName: HUGE })],
    ['an IAM call name', iam(HUGE, { roleName: ROLE })],
    ['an ECR call name', ecr(HUGE)],
    ['an event source', call({ eventSource: HUGE, eventName: HUGE })],
    ['an error code', iam('DeleteRole', { roleName: ROLE }, { errorCode: HUGE })],
    ['the Region of a replication change', ecr('PutReplicationConfiguration', { awsRegion: HUGE })],
    [
      'the schedule rule',
      {
        ...envelope({ source: 'aws.events', 'detail-type': 'Scheduled Event', resources: [HUGE] }),
        shape: 'schedule',
        detail: {},
      },
    ],
    [
      'a Region opt-in',
      {
        ...envelope({ source: 'aws.account', 'detail-type': 'Region Opt-In Status Change' }),
        shape: 'region-opt-in',
        detail: { regionName: HUGE, status: HUGE },
      },
    ],
    [
      'an unsupported event',
      { ...envelope({ source: HUGE, 'detail-type': HUGE }), shape: 'other', detail: {} },
    ],
    ['a role name all escapes', iam('CreateRole', { roleName: '\ud800\u0000'.repeat(1000) })],
  ])('quotes %s into the reason clipped, with a visible ellipsis', (_name, event) => {
    const classification = classify(event);

    expect(classification.reason.length).toBeLessThanOrEqual(400);
    expect(classification.reason).toContain('…');
  });
});

describe('classify: failed calls', () => {
  it.each<[string, ParsedEvent, string]>([
    [
      'DeleteRole on the service-linked role',
      iam('DeleteRole', { roleName: ROLE }, { errorCode: 'UnmodifiableEntityException' }),
      'UnmodifiableEntityException',
    ],
    [
      'a second CreateServiceLinkedRole',
      iam('CreateServiceLinkedRole', { aWSServiceName: PRINCIPAL }, { errorCode: 'InvalidInputException' }),
      'InvalidInputException',
    ],
    [
      'a denied AttachRolePolicy',
      iam('AttachRolePolicy', { roleName: ROLE, policyArn: 'x' }, { errorCode: 'AccessDenied' }),
      'AccessDenied',
    ],
  ])('%s is not relevant but reports the attempt', (_name, event, errorCode) => {
    const classification = classify(event);

    expect(classification).toEqual({
      relevant: false,
      reason: `failed call: ${errorCode}`,
      attempt: {
        eventId: 'ct-1',
        eventName: event.shape === 'cloudtrail' ? event.detail.eventName : '',
        eventTime: '2025-03-14T09:26:53Z',
        eventSource: 'iam.amazonaws.com',
        awsRegion: 'us-east-1',
        actorArn: ACTOR,
        sourceIPAddress: '198.51.100.23',
        userAgent: 'aws-cli/2.22.35',
        errorCode,
      },
    });
  });

  it('a failed PutReplicationConfiguration is not relevant and is no attempt on the role', () => {
    const classification = classify(ecr('PutReplicationConfiguration', { errorCode: 'AccessDenied' }));

    expect(classification).toEqual({ relevant: false, reason: 'failed call: AccessDenied' });
  });

  it('a failed call on another role reports no attempt', () => {
    const classification = classify(iam('DeleteRole', { roleName: 'other' }, { errorCode: 'AccessDenied' }));

    expect(classification).toEqual({
      relevant: false,
      reason: `IAM DeleteRole on role "other", not ${ROLE}`,
    });
  });

  it('a null errorCode is a successful call', () => {
    const classification = classify(iam('DeleteRole', { roleName: ROLE }, { errorCode: null }));

    expect(classification.relevant).toBe(true);
  });
});
