/*
 * A validated EventBridge event, as the event parser (`functions/app/event/`) gives it to classification. Unknown
 * fields are kept.
 */

/** The EventBridge envelope, as validated by the event parser. Unknown fields are kept. */
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
