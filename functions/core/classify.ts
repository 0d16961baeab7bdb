import type { TriggerContext } from './alert-types.js';
import { REPLICATION_ROLE } from './constants.js';
import type { CloudTrailRecord, ParsedEvent } from './parsed-event.js';
import { cut } from './text.js';
import {
  ECR_EVENT_SOURCE,
  IAM_EVENT_SOURCE,
  REPLICATION_EVENT_NAME,
  ROLE_EVENT_NAMES,
} from './watched-events.js';

/**
 * What decides whether an EventBridge event should make the reconciler look at the account again. Pure: it reads
 * only the event it is given. An event only says *when* to look (safety invariant 2), so the classification never
 * reads the replication rules or the role out of the event, it only recognises the calls that may have changed them.
 */

/** Why the account is read again: what the event was, and what it says about who did what. */
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

/** An event is relevant (the account is read again, for this trigger) or not (why, logged). */
export type Classification =
  | { readonly relevant: true; readonly trigger: Trigger; readonly reason: string }
  | {
      readonly relevant: false;
      readonly reason: string;
      /** An attempt on the protected role worth an info log: who and from where. */
      readonly attempt?: (TriggerContext & { readonly errorCode: string }) | undefined;
    };

/** Text copied from the event into a reason is cut to this many characters. */
const REASON_TEXT_MAX = 128;

const ROLE_EVENTS: ReadonlySet<string> = new Set(ROLE_EVENT_NAMES);

/** Decides whether the event may have changed replication or the role: relevant, with its trigger, or not, with why. */
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
