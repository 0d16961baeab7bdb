import type { AnnouncedFinding, FindingCode } from './types.js';

/** What an alert announces. */
export type TransitionKind = 'opened' | 'changed' | 'reminder' | 'resolved';

/**
 * The remembered state of one alert on one channel, keyed by account + finding code + channel (safety invariant 4:
 * each channel hears of each change exactly once, whatever the other channels do). Written only with a
 * compare-and-set on `version`, so that concurrent invocations over the same change announce it once.
 */
export interface AlertRecord {
  readonly account: string;
  readonly code: FindingCode;
  /**
   * The channel this record tells (`sns`, `slack`…). Absent only on records written before delivery was kept per
   * channel: such a record stands for every channel that has no record of its own.
   */
  readonly channel?: string | undefined;
  readonly status: 'open' | 'resolved';
  /** The finding's substance (code, Regions, the facts that matter): a change of it is a `changed` alert. */
  readonly fingerprint: string;
  /** The finding as last announced (kept after it resolves, for the resolution message). */
  readonly finding: AnnouncedFinding;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** The last transition, announced or (while `notifiedAt` is null) still to announce. */
  readonly transition: TransitionKind;
  /** When the current status + fingerprint was delivered; `null` while it is still to be delivered. */
  readonly notifiedAt: string | null;
  /** An invocation delivering this record holds it until then; after it, another may take over. */
  readonly claimedUntil: string | null;
  /** 0 = never stored. */
  readonly version: number;
}

/** Who did what, from the CloudTrail record that triggered the reconcile. */
export interface TriggerContext {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly eventSource?: string | undefined;
  readonly awsRegion: string;
  readonly actorArn?: string | undefined;
  readonly sourceIPAddress?: string | undefined;
  readonly userAgent?: string | undefined;
}

/**
 * Why an alert closed when the finding was not seen to clear: the account left the watch (organization mode), so
 * its open alerts are closed once, saying so, never as fixed.
 */
export interface AccountDeparture {
  readonly kind: 'account-departed';
  /** The account's state in the organization (`SUSPENDED`, `CLOSED`…); `null` when it left the organization. */
  readonly state: string | null;
}

/** One message to send: a transition of one finding. */
export interface Notification {
  readonly transition: TransitionKind;
  readonly account: string;
  /**
   * The account's name in its organization: shown as `<name> (<id>)`. Absent or `null` when unknown (always in
   * single-account mode): the account is then shown by its id alone, as it always was.
   */
  readonly accountName?: string | null | undefined;
  /** Set on a `resolved` alert closed because the account is no longer watched, not because it was fixed. */
  readonly departure?: AccountDeparture | undefined;
  /** The current finding, or for `resolved` the finding as last announced. */
  readonly finding: AnnouncedFinding;
  readonly observedAt: string;
  /** Set when an event (not the schedule) led to this reconcile. */
  readonly trigger?: TriggerContext | undefined;
}
