import type { AlertRecord, TransitionKind } from './alert-types.js';
import { substanceOf } from './findings/index.js';
import type { AlertStore } from './ports.js';
import type { AnnouncedFinding, Finding, FindingCode } from './types.js';

/** One alert to announce: the record to claim (compare-and-set on `expectedVersion`) and what to say. */
export interface AlertPlan {
  readonly kind: TransitionKind;
  readonly code: FindingCode;
  /** The finding to announce (for `resolved`, as last announced). */
  readonly finding: AnnouncedFinding;
  readonly expectedVersion: number;
  /** The record claimed for delivery: `notifiedAt` null, `claimedUntil` set. */
  readonly claim: AlertRecord;
  /** False when the change needs recording but no message (an opening never delivered has since cleared). */
  readonly notify: boolean;
}

export interface TransitionOptions {
  readonly account: string;
  /** The channel the plans are for: each channel's records are planned on their own (see `recordsForChannel`). */
  readonly channel: string;
  readonly now: Date;
  /** How long a claim protects a delivery in progress before another invocation may take over. */
  readonly leaseMs: number;
  /** Re-announce an open finding after this long; `undefined` for never. */
  readonly reminderMs?: number | undefined;
}

/**
 * The substance of a finding: what makes it a different alert. Not the message wording or the time, so that a
 * re-read of the same state never looks like a change (normalize before comparing, or drift is reported forever).
 * Its code, its Regions, and the facts its rule names (`substance` in `findings/`). Stored in users' alert
 * tables: the same finding must give the same string, byte for byte, from one version to the next.
 */
export function fingerprint(finding: Finding): string {
  return JSON.stringify({
    code: finding.code,
    regions: [...finding.regions].sort(),
    ...substanceOf(finding),
  });
}

/**
 * Compares what was announced with what is found now and plans each alert (safety invariant 4): a finding is
 * announced when it opens, when its substance changes, as an optional reminder, and once when it resolves. A
 * delivery that was claimed but never completed (the invocation failed or died) is planned again once its claim
 * has lapsed, so nothing is lost; one still claimed by a live invocation is left to it.
 */
export function alertTransitions(
  records: readonly AlertRecord[],
  findings: readonly Finding[],
  options: TransitionOptions,
): AlertPlan[] {
  const now = options.now.getTime();
  const byCode = new Map(records.map((record) => [record.code, record]));
  const current = new Map(findings.map((finding) => [finding.code, finding]));
  const codes = [...new Set([...byCode.keys(), ...current.keys()])].sort();
  const plans: AlertPlan[] = [];

  for (const code of codes) {
    const record = byCode.get(code);
    const finding = current.get(code);
    if (record && isClaimed(record, now)) continue;
    const plan = planFor(record, finding, now, options);
    if (plan) plans.push(plan);
  }
  return plans;
}

function planFor(
  record: AlertRecord | undefined,
  finding: Finding | undefined,
  now: number,
  options: TransitionOptions,
): AlertPlan | undefined {
  const stamp = new Date(now).toISOString();
  const claim = (kind: TransitionKind, base: Partial<AlertRecord>, notify = true): AlertPlan => {
    const shown = (finding ?? record?.finding) as AnnouncedFinding;
    return {
      kind,
      code: shown.code,
      finding: shown,
      expectedVersion: record?.version ?? 0,
      notify,
      claim: {
        account: options.account,
        code: shown.code,
        channel: options.channel,
        status: kind === 'resolved' ? 'resolved' : 'open',
        fingerprint: record?.fingerprint ?? '',
        finding: shown,
        openedAt: record?.openedAt ?? stamp,
        updatedAt: stamp,
        transition: kind,
        ...base,
        notifiedAt: notify ? null : stamp,
        claimedUntil: notify ? new Date(now + options.leaseMs).toISOString() : null,
        version: (record?.version ?? 0) + 1,
      },
    };
  };

  if (finding) {
    const print = fingerprint(finding);
    if (!record) return claim('opened', { fingerprint: print, openedAt: stamp });
    if (record.status === 'resolved') {
      // Back before its resolution reached anyone: from the reader's view it never closed.
      if (record.notifiedAt === null) {
        return claim('changed', { fingerprint: print }, record.fingerprint !== print);
      }
      return claim('opened', { fingerprint: print, openedAt: stamp });
    }
    if (record.fingerprint !== print) {
      // A change while the opening was still undelivered is still news of an opening.
      return claim(record.notifiedAt === null && record.transition === 'opened' ? 'opened' : 'changed', {
        fingerprint: print,
      });
    }
    if (record.notifiedAt === null) return claim(record.transition, {});
    const reminderDue =
      options.reminderMs !== undefined && now - Date.parse(record.notifiedAt) >= options.reminderMs;
    return reminderDue ? claim('reminder', {}) : undefined;
  }

  if (!record) return undefined;
  if (record.status === 'open') {
    // An opening that never reached anyone needs no resolution message.
    const silently = record.notifiedAt === null && record.transition === 'opened';
    return claim('resolved', {}, !silently);
  }
  return record.notifiedAt === null ? claim('resolved', {}) : undefined;
}

function isClaimed(record: AlertRecord, now: number): boolean {
  return record.notifiedAt === null && record.claimedUntil !== null && Date.parse(record.claimedUntil) > now;
}

/**
 * The records that speak for `channel`: its own, and for a code it has none of, the record written before delivery
 * was kept per channel (no `channel`), taken as that channel's history with version 0, so that an upgrade does not
 * announce again what was already announced, and the channel's first write creates its own record.
 */
export function recordsForChannel(records: readonly AlertRecord[], channel: string): AlertRecord[] {
  const own = records.filter((record) => record.channel === channel);
  const ownCodes = new Set(own.map((record) => record.code));
  const inherited = records
    .filter((record) => record.channel === undefined && !ownCodes.has(record.code))
    .map((record) => ({ ...record, channel, version: 0 }));
  return [...own, ...inherited];
}

/** The record once its delivery completed. */
export function delivered(claim: AlertRecord, now: Date): AlertRecord {
  return { ...claim, notifiedAt: now.toISOString(), claimedUntil: null, version: claim.version + 1 };
}

/** The record with its claim given up, so that a retry may deliver it at once. */
export function released(claim: AlertRecord): AlertRecord {
  return { ...claim, claimedUntil: null, version: claim.version + 1 };
}

/**
 * The versioning rule every {@link AlertStore} enforces: a record's version only ever steps by one, so the record
 * stored over `expectedVersion` (0: no record yet) must carry `expectedVersion + 1`.
 * @throws {RangeError} when the versions do not step by one
 */
export function assertVersionStep(next: AlertRecord, expectedVersion: number): void {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new RangeError(`expectedVersion must be a whole number ≥ 0, got ${expectedVersion}`);
  }
  if (next.version !== expectedVersion + 1) {
    throw new RangeError(
      `the record to store must have version ${expectedVersion + 1} (expected + 1), got ${next.version}`,
    );
  }
}
