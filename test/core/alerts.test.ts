import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../functions/core/alert-types.js';
import {
  type AlertPlan,
  alertTransitions,
  delivered,
  fingerprint,
  recordsForChannel,
  released,
} from '../../functions/core/alerts.js';
import { reconcileReport } from '../../functions/core/rule.js';
import type { Finding } from '../../functions/core/types.js';
import { ACCOUNT, accountRead, registry, role } from '../support/reads.js';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const options = (now = T0) => ({ account: ACCOUNT, channel: 'sns', now, leaseMs: 60_000 });

const missingIn = (...regions: string[]): Finding<'ROLE_MISSING'> => {
  const report = reconcileReport(
    accountRead(
      regions.map((region) => registry.replicating(region)),
      role.absent(),
    ),
  );
  const finding = report.findings[0];
  if (finding?.code !== 'ROLE_MISSING') throw new Error('expected ROLE_MISSING');
  return finding;
};

/** Plays a plan as the reconcile does when delivery succeeds. */
const deliver = (plan: AlertPlan | undefined, now = T0): AlertRecord => {
  if (!plan) throw new Error('expected a plan');
  return plan.notify ? delivered(plan.claim, now) : plan.claim;
};

describe('alertTransitions', () => {
  it('opens a new finding, claimed for delivery', () => {
    const [plan] = alertTransitions([], [missingIn('us-east-1')], options());

    expect(plan).toMatchObject({ kind: 'opened', code: 'ROLE_MISSING', expectedVersion: 0, notify: true });
    expect(plan?.claim).toMatchObject({
      status: 'open',
      version: 1,
      notifiedAt: null,
      claimedUntil: later(60_000).toISOString(),
    });
  });

  it('says nothing while the same finding stays open', () => {
    const record = deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]);

    expect(alertTransitions([record], [missingIn('us-east-1')], options(later(3_600_000)))).toEqual([]);
  });

  it('announces a change when the Regions change', () => {
    const record = deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]);

    const [plan] = alertTransitions([record], [missingIn('us-east-1', 'eu-west-1')], options(later(1000)));

    expect(plan).toMatchObject({
      kind: 'changed',
      expectedVersion: record.version,
      finding: { regions: ['eu-west-1', 'us-east-1'] },
    });
  });

  it('reminds after the interval, not before', () => {
    const record = deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]);
    const withReminder = (now: Date) => ({ ...options(now), reminderMs: 3_600_000 });

    expect(alertTransitions([record], [missingIn('us-east-1')], withReminder(later(3_599_999)))).toEqual([]);
    expect(
      alertTransitions([record], [missingIn('us-east-1')], withReminder(later(3_600_000)))[0]?.kind,
    ).toBe('reminder');
  });

  it('resolves once, with the finding as last announced', () => {
    const open = deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]);

    const [plan] = alertTransitions([open], [], options(later(1000)));
    const resolved = deliver(plan);

    expect(plan).toMatchObject({
      kind: 'resolved',
      notify: true,
      finding: { code: 'ROLE_MISSING', regions: ['us-east-1'] },
    });
    expect(resolved.status).toBe('resolved');
    expect(alertTransitions([resolved], [], options(later(2000)))).toEqual([]);
  });

  it('opens again when a resolved finding comes back', () => {
    const open = deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]);
    const resolved = deliver(alertTransitions([open], [], options(later(1000)))[0]);

    const [plan] = alertTransitions([resolved], [missingIn('us-east-1')], options(later(2000)));

    expect(plan).toMatchObject({ kind: 'opened', expectedVersion: resolved.version });
  });

  it('leaves a delivery to the invocation that claimed it, and retries it once the claim lapses', () => {
    const claimed = alertTransitions([], [missingIn('us-east-1')], options())[0]?.claim as AlertRecord;

    expect(alertTransitions([claimed], [missingIn('us-east-1')], options(later(59_999)))).toEqual([]);
    expect(alertTransitions([claimed], [missingIn('us-east-1')], options(later(60_000)))[0]).toMatchObject({
      kind: 'opened',
      expectedVersion: claimed.version,
    });
  });

  it('retries at once a delivery whose claim was released after a failure', () => {
    const claimed = alertTransitions([], [missingIn('us-east-1')], options())[0]?.claim as AlertRecord;

    const [plan] = alertTransitions([released(claimed)], [missingIn('us-east-1')], options(later(1)));

    expect(plan).toMatchObject({ kind: 'opened', notify: true });
  });

  it('resolves silently an opening that never reached anyone', () => {
    const undelivered = released(
      alertTransitions([], [missingIn('us-east-1')], options())[0]?.claim as AlertRecord,
    );

    const [plan] = alertTransitions([undelivered], [], options(later(1)));

    expect(plan).toMatchObject({ kind: 'resolved', notify: false, claim: { status: 'resolved' } });
    expect(plan?.claim.notifiedAt).not.toBeNull();
  });

  it('goes back to open silently when a finding returns before its resolution was delivered', () => {
    const open = deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]);
    const resolving = released(alertTransitions([open], [], options(later(1)))[0]?.claim as AlertRecord);

    const [plan] = alertTransitions([resolving], [missingIn('us-east-1')], options(later(2)));

    expect(plan).toMatchObject({ notify: false, claim: { status: 'open' } });
  });
});

describe('fingerprint', () => {
  it('ignores the observation time and wording, not the Regions', () => {
    const a = missingIn('us-east-1');
    const b = {
      ...a,
      message: 'other words',
      evidence: { ...a.evidence, observedAt: '2030-01-01T00:00:00.000Z' },
    };

    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(fingerprint(missingIn('us-east-1', 'eu-west-1'))).not.toBe(fingerprint(a));
  });
});

describe('recordsForChannel', () => {
  const record = (overrides: Partial<AlertRecord>): AlertRecord => ({
    ...deliver(alertTransitions([], [missingIn('us-east-1')], options())[0]),
    ...overrides,
  });

  it("gives a channel its own records only, never another channel's", () => {
    const sns = record({ channel: 'sns' });
    const slack = record({ channel: 'slack', notifiedAt: null });

    expect(recordsForChannel([sns, slack], 'slack')).toEqual([slack]);
    expect(recordsForChannel([sns, slack], 'email')).toEqual([]);
  });

  it('lets a record written before channels were kept speak for each channel with no record of its own', () => {
    const legacy = record({ channel: undefined, version: 4 });
    const sns = record({ channel: 'sns', version: 2 });

    expect(recordsForChannel([legacy, sns], 'sns')).toEqual([sns]);
    expect(recordsForChannel([legacy, sns], 'slack')).toEqual([{ ...legacy, channel: 'slack', version: 0 }]);
  });

  it('does not announce again after an upgrade what a legacy record says was announced', () => {
    const legacy = record({ channel: undefined, version: 4 });

    const plans = alertTransitions(recordsForChannel([legacy], 'slack'), [missingIn('us-east-1')], {
      ...options(),
      channel: 'slack',
    });

    expect(plans).toEqual([]);
  });
});
