import type { TriggerContext } from './alert-types.js';
import { REPLICATION_ROLE } from './constants.js';
import { cut } from './text.js';

/**
 * What decides whether an EventBridge event should make the reconciler look at the account again. Pure: it reads
 * only the event it is given. An event only says *when* to look (safety invariant 2), so the classification never
 * reads the replication rules or the role out of the event, it only recognises the calls that may have changed them.
 */

/** The EventBridge envelope, as validated by `functions/handlers/schemas.ts`. Unknown fields are kept. */
export interface EventEnvelope {
  readonly version: string;
  readonly id: string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly 'detail-type': string;
}

/** The fields of a CloudTrail record that classification uses. Unknown fields are kept. */
export interface CloudTrailRecord {
  readonly eventID: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventTime: string;
  readonly awsRegion: string;
  readonly errorCode?: string | null | undefined;
  readonly errorMessage?: string | null | undefined;
  readonly userIdentity?:
    | {
        readonly type?: string | null | undefined;
        readonly arn?: string | null | undefined;
        readonly accountId?: string | null | undefined;
        readonly invokedBy?: string | null | undefined;
      }
    | null
    | undefined;
  readonly sourceIPAddress?: string | null | undefined;
  readonly userAgent?: string | null | undefined;
  /** `null` when the call had none, or when CloudTrail left it out. */
  readonly requestParameters: Readonly<Record<string, unknown>> | null;
  /** `null` on a failed call and for calls that return nothing. */
  readonly responseElements: Readonly<Record<string, unknown>> | null;
}

/** `aws.account` "Region Opt-In Status Change" detail. */
export interface RegionOptInDetail {
  /** The account whose Region changed; may differ from the envelope's account when set from a management account. */
  readonly accountId?: string | undefined;
  readonly regionName: string;
  /** `ENABLED | ENABLING | DISABLING | DISABLED | ENABLED_BY_DEFAULT` today; any non-empty string is kept. */
  readonly status: string;
}

/**
 * A validated EventBridge event, tagged by `shape`:
 * - `cloudtrail`: "AWS API Call via CloudTrail" from any source, with a validated CloudTrail record;
 * - `schedule`: `aws.events` "Scheduled Event";
 * - `region-opt-in`: `aws.account` "Region Opt-In Status Change";
 * - `other`: any other well-formed EventBridge event (never relevant).
 */
export type ParsedEvent =
  | (EventEnvelope & { readonly shape: 'cloudtrail'; readonly detail: CloudTrailRecord })
  | (EventEnvelope & { readonly shape: 'schedule'; readonly detail: Readonly<Record<string, unknown>> })
  | (EventEnvelope & { readonly shape: 'region-opt-in'; readonly detail: RegionOptInDetail })
  | (EventEnvelope & { readonly shape: 'other'; readonly detail: Readonly<Record<string, unknown>> });

export type Trigger =
  | { readonly kind: 'schedule'; readonly eventId: string; readonly time: string }
  | {
      readonly kind: 'region-opt-in';
      readonly eventId: string;
      readonly time: string;
      readonly region: string;
      readonly status: string;
    }
  | {
      readonly kind: 'replication-change';
      readonly eventId: string;
      readonly time: string;
      readonly region: string;
      readonly context: TriggerContext;
    }
  | {
      readonly kind: 'role-change';
      readonly eventId: string;
      readonly time: string;
      readonly eventName: string;
      readonly context: TriggerContext;
      readonly deletionTaskId?: string | undefined;
    };

export type TriggerKind = Trigger['kind'];

export type Classification =
  | { readonly relevant: true; readonly trigger: Trigger; readonly reason: string }
  | {
      readonly relevant: false;
      readonly reason: string;
      /** An attempt on the protected role worth an info log: who and from where. */
      readonly attempt?: (TriggerContext & { readonly errorCode: string }) | undefined;
    };

/**
 * How large an event and each identifier in it may be. `functions/handlers/schemas.ts` refuses, as malformed, an event
 * that breaks one of these: such a value cannot come from AWS, and an identifier out of bounds would break what is
 * keyed on it (a DynamoDB partition key holds at most 2048 bytes). Where AWS documents no single bound, the one chosen
 * is well above every real value and says so.
 */
export const EVENT_LIMITS = {
  /**
   * The whole event, as JSON in UTF-8 bytes. EventBridge refuses an entry of 256 KiB or more, counting `source`,
   * `detail-type`, `detail`, `resources` and 14 bytes for `time`; the rest of the envelope (version, id, account,
   * Region, key names and punctuation) adds a few hundred bytes, hence 1 KiB more. CloudTrail sends EventBridge no
   * event over 256 KB.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html (Event size)
   */
  eventBytes: 256 * 1024 + 1024,
  /**
   * `detail.eventID` and the envelope `id`: UUIDs in practice. CloudTrail's own API bounds an event id at 1–128
   * characters of `[-_A-Za-z0-9]`; `.` and `:` are accepted too (ids this reconciler derives, such as `recheck:<id>`).
   * @see https://docs.aws.amazon.com/awscloudtraildata/latest/APIReference/API_AuditEventResultEntry.html
   */
  eventId: 128,
  /**
   * `region`, `detail.awsRegion`, `detail.regionName`. No single documented maximum: the longest Region codes today
   * have 14–15 characters, and Amazon DataZone's `Region.regionName` is bounded at 16; twice that is kept.
   * @see https://docs.aws.amazon.com/datazone/latest/APIReference/API_Region.html
   */
  region: 32,
  /** `detail.eventName`: an API action name. No documented bound; the longest actions have about 60 characters. */
  eventName: 128,
  /** `detail.eventSource`: `<service>.amazonaws.com`, a DNS name (at most 253 characters, RFC 1035). */
  eventSource: 256,
  /** `time`, `detail.eventTime`: ISO 8601; its fractional seconds have no length of their own, this bounds them. */
  time: 64,
  /**
   * `source` (1–256) and `detail-type` (1–128), as PutEvents bounds them; each of at most 100 `resources` holds an
   * ARN of at most 2048 characters.
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
   */
  source: 256,
  detailType: 128,
  resources: 100,
  resource: 2048,
  /** `version`: `"0"` today. */
  version: 16,
  /**
   * `replay-name`: 1–64 characters.
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Replay.html
   */
  replayName: 64,
  /** Region opt-in `detail.status`: `ENABLED | ENABLING | DISABLING | DISABLED | ENABLED_BY_DEFAULT` today. */
  optInStatus: 64,
  /**
   * A role name in a successful IAM call: 1–64 characters of `[\w+=,.@-]`; a service principal (`aWSServiceName`):
   * 1–128 of the same. A failed call may name anything: IAM refused it, so it is not checked (only quoted, clipped).
   * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
   * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
   */
  roleName: 64,
  serviceName: 128,
  /**
   * `responseElements.deletionTaskId` of a successful DeleteServiceLinkedRole: 1–1000 characters.
   * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLinkedRoleDeletionStatus.html
   */
  deletionTaskId: 1000,
  /**
   * A successful PutReplicationConfiguration: at most 25 rules (the ECR API reference says 10 in one rendering and
   * 25 in another, and CloudFormation 10: the larger is kept, so that no real configuration is refused), each with at
   * most 100 destinations and 100 repository filters.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
   * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
   */
  replicationRules: 25,
  ruleDestinations: 100,
  ruleFilters: 100,
} as const;

/** A CloudTrail event id or an EventBridge event id (a UUID in practice), within `EVENT_LIMITS.eventId`. */
export const EVENT_ID_PATTERN = new RegExp(`^[A-Za-z0-9._:-]{1,${EVENT_LIMITS.eventId}}$`);

/**
 * Free text from a CloudTrail record that is only shown to people: clipped to these many characters (UTF-16 units,
 * the last one a visible `…`), never refused, so that an odd but real event is still handled. CloudTrail documents no
 * per-field maximum for these (it truncates a field that exceeds its own maximum and sets `omitted`), so each bound is
 * the largest real value with room to spare.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export const EVENT_TEXT_LIMITS = {
  /** `userIdentity.arn`, the actor: an IAM ARN has at most 2048 characters (IAM `Role.Arn`). */
  actorArn: 2048,
  /** An IPv4 or IPv6 address, or a service's DNS name (at most 253 characters), or `AWS Internal`. */
  sourceIPAddress: 256,
  /** `aws-cli/2.22.35 md/awscrt#0.23.8 …`: real agents run to a few hundred characters. */
  userAgent: 1024,
  /** `AccessDenied`, `UnmodifiableEntityException`… */
  errorCode: 128,
  errorMessage: 1024,
  /** `userIdentity.type`: `AssumedRole`, `IAMUser`, `AWSService`… */
  identityType: 64,
  /** `userIdentity.accountId`: 12 digits, or a word such as `ANONYMOUS_PRINCIPAL`. */
  identityAccountId: 64,
  /** `userIdentity.invokedBy`: a service's DNS name, or `AWS Internal`. */
  invokedBy: 256,
} as const;

/** Text copied from the event into a reason is cut to this many characters. */
const REASON_TEXT_MAX = 128;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULE_DETAIL_TYPE = 'Scheduled Event';
export const ACCOUNT_SOURCE = 'aws.account';
export const REGION_OPT_IN_DETAIL_TYPE = 'Region Opt-In Status Change';

export const ECR_EVENT_SOURCE = 'ecr.amazonaws.com';
export const IAM_EVENT_SOURCE = 'iam.amazonaws.com';
/** The only call that changes a Region's replication configuration (there is no Delete). */
export const REPLICATION_EVENT_NAME = 'PutReplicationConfiguration';

/** IAM calls that can create, delete or change the role's trust or policies, or name a look-alike into being. */
export const ROLE_EVENT_NAMES = [
  'CreateServiceLinkedRole',
  'DeleteServiceLinkedRole',
  'DeleteRole',
  'CreateRole',
  'UpdateRole',
  'UpdateRoleDescription',
  'UpdateAssumeRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
] as const;

const ROLE_EVENTS: ReadonlySet<string> = new Set(ROLE_EVENT_NAMES);

export function classify(event: ParsedEvent): Classification {
  switch (event.shape) {
    case 'schedule':
      return {
        relevant: true,
        trigger: { kind: 'schedule', eventId: event.id, time: event.time },
        reason: `scheduled reconcile${event.resources[0] ? ` (${clip(event.resources[0])})` : ''}`,
      };
    case 'region-opt-in':
      return {
        relevant: true,
        trigger: {
          kind: 'region-opt-in',
          eventId: event.id,
          time: event.time,
          region: event.detail.regionName,
          status: event.detail.status,
        },
        reason: `Region ${clip(event.detail.regionName)} opt-in status is ${clip(event.detail.status)}`,
      };
    case 'cloudtrail':
      return classifyCall(event.detail);
    case 'other':
      return {
        relevant: false,
        reason: `unsupported event: ${clip(event.source)} "${clip(event['detail-type'])}"`,
      };
  }
}

function classifyCall(record: CloudTrailRecord): Classification {
  const { eventSource, eventName } = record;
  if (eventSource === ECR_EVENT_SOURCE) {
    if (eventName !== REPLICATION_EVENT_NAME) {
      return { relevant: false, reason: `ECR ${clip(eventName)} does not change replication` };
    }
    if (record.errorCode) return failed(record.errorCode);
    return {
      relevant: true,
      trigger: {
        kind: 'replication-change',
        eventId: record.eventID,
        time: record.eventTime,
        region: record.awsRegion,
        context: contextOf(record),
      },
      reason: `${REPLICATION_EVENT_NAME} in ${clip(record.awsRegion)}`,
    };
  }

  if (eventSource === IAM_EVENT_SOURCE) {
    if (!ROLE_EVENTS.has(eventName)) {
      return { relevant: false, reason: `IAM ${clip(eventName)} is not a role change that is watched` };
    }
    const target = roleTarget(record.requestParameters);
    if (!target.matches) {
      return { relevant: false, reason: `IAM ${eventName} on ${target.named}, not ${REPLICATION_ROLE.name}` };
    }
    if (record.errorCode)
      return failed(record.errorCode, { ...contextOf(record), errorCode: record.errorCode });
    const deletionTaskId =
      eventName === 'DeleteServiceLinkedRole'
        ? stringField(record.responseElements, 'deletionTaskId')
        : undefined;
    return {
      relevant: true,
      trigger: {
        kind: 'role-change',
        eventId: record.eventID,
        time: record.eventTime,
        eventName,
        context: contextOf(record),
        ...(deletionTaskId ? { deletionTaskId } : {}),
      },
      reason: `${eventName} on ${REPLICATION_ROLE.name}`,
    };
  }

  return { relevant: false, reason: `not an ECR or IAM call: ${clip(eventSource)} ${clip(eventName)}` };
}

function failed(errorCode: string, attempt?: TriggerContext & { errorCode: string }): Classification {
  return { relevant: false, reason: `failed call: ${clip(errorCode)}`, ...(attempt ? { attempt } : {}) };
}

/**
 * Whether the request names this role: by `roleName` (IAM role names are unique case-insensitively, so a role
 * named in any case squats the name) or, for `CreateServiceLinkedRole`, by the service principal. CloudTrail spells
 * that key `aWSServiceName`; other producers write `awsServiceName`, so keys compare case-insensitively too.
 * Exact names only: `AWSServiceRoleForECRReplicationX` is another role.
 */
function roleTarget(parameters: Readonly<Record<string, unknown>> | null): {
  matches: boolean;
  named: string;
} {
  const roleNames = valuesOf(parameters, 'rolename');
  const serviceNames = valuesOf(parameters, 'awsservicename');
  const matches =
    roleNames.some((name) => sameText(name, REPLICATION_ROLE.name)) ||
    serviceNames.some((name) => sameText(name, REPLICATION_ROLE.servicePrincipal));
  const named = roleNames[0]
    ? `role ${quote(roleNames[0])}`
    : serviceNames[0]
      ? `the role of ${quote(serviceNames[0])}`
      : 'no named role';
  return { matches, named };
}

/** String values whose key equals `lowerKey` case-insensitively. */
function valuesOf(record: Readonly<Record<string, unknown>> | null, lowerKey: string): string[] {
  if (!record) return [];
  const values: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === lowerKey && typeof value === 'string') values.push(value);
  }
  return values;
}

function stringField(record: Readonly<Record<string, unknown>> | null, key: string): string | undefined {
  const value = record && Object.hasOwn(record, key) ? record[key] : undefined;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function contextOf(record: CloudTrailRecord): TriggerContext {
  const identity = record.userIdentity ?? undefined;
  return {
    eventId: record.eventID,
    eventName: record.eventName,
    eventTime: record.eventTime,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    ...(identity?.arn ? { actorArn: identity.arn } : {}),
    ...(record.sourceIPAddress ? { sourceIPAddress: record.sourceIPAddress } : {}),
    ...(record.userAgent ? { userAgent: record.userAgent } : {}),
  };
}

/** Text from the event, bounded, for reasons that end up in logs and messages. */
function clip(text: string): string {
  return cut(text, REASON_TEXT_MAX);
}

/** `"name"` as JSON (quotes, control characters visible), at most `REASON_TEXT_MAX` + 2 characters long. */
function quote(text: string): string {
  const quoted = JSON.stringify(clip(text));
  return quoted.length <= REASON_TEXT_MAX + 2 ? quoted : `${cut(quoted.slice(0, -1), REASON_TEXT_MAX + 1)}"`;
}
