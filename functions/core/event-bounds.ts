// Bounds on what an EventBridge event may carry, each with its AWS source: the event parser (`functions/app/event/`)
// and the grace re-check's message (`functions/app/recheck/`) hold what they read to them.

/**
 * How large an event and each identifier in it may be. The event parser refuses, as malformed, an event
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
