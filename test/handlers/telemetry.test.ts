import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../functions/app/telemetry.js';
import { reconcileReport } from '../../functions/core/rule.js';
import { silentLog } from '../support/fakes.js';
import { accountRead, registry, role } from '../support/reads.js';

function recorder() {
  const counts: { name: string; value: number; dimensions?: Readonly<Record<string, string>> }[] = [];
  return {
    counts,
    sink: {
      count: (name: string, value: number, dimensions?: Readonly<Record<string, string>>) =>
        void counts.push({ name, value, ...(dimensions ? { dimensions } : {}) }),
    },
  };
}

describe('telemetry', () => {
  const missing = reconcileReport(
    accountRead([registry.replicating('us-east-1'), registry.unreadable('eu-west-1')], role.absent()),
  );

  it('counts findings by code, observation errors, confirmed high findings and alerts by channel', () => {
    const { counts, sink } = recorder();

    createTelemetry(silentLog(), sink).reconciled(missing, [
      {
        transition: 'opened',
        code: 'ROLE_MISSING',
        channels: ['sns'],
        failed: [{ channel: 'slack', error: '500' }],
      },
    ]);

    expect(counts).toEqual([
      { name: 'Findings', value: 1, dimensions: { Code: 'OBSERVATION_INCOMPLETE' } },
      { name: 'Findings', value: 1, dimensions: { Code: 'ROLE_MISSING' } },
      { name: 'OpenHighFindings', value: 1 },
      { name: 'ObservationErrors', value: 1 },
      { name: 'AlertsSent', value: 1, dimensions: { Channel: 'sns', Transition: 'opened' } },
      { name: 'AlertsFailed', value: 1, dimensions: { Channel: 'slack' } },
      { name: 'AlertsUndelivered', value: 1 },
    ]);
  });

  it('does not count a high finding held for its grace re-check as open', () => {
    const { counts, sink } = recorder();

    createTelemetry(silentLog(), sink).reconciled(missing, [], ['ROLE_MISSING']);

    expect(counts.find((c) => c.name === 'OpenHighFindings')?.value).toBe(0);
  });

  it('logs who attempted a failed call on the role', () => {
    const log = silentLog();
    const { counts, sink } = recorder();

    createTelemetry(log, sink).ignored(
      {
        relevant: false,
        reason: 'failed call: UnmodifiableEntityException',
        attempt: {
          eventId: 'e1',
          eventName: 'DeleteRole',
          eventTime: '2026-11-24T10:00:00Z',
          awsRegion: 'us-east-1',
          actorArn: 'arn:aws:iam::123456789012:user/mallory',
          sourceIPAddress: '203.0.113.9',
          errorCode: 'UnmodifiableEntityException',
        },
      },
      'e1',
    );

    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'failed call on the replication role',
        extra: expect.objectContaining({
          actorArn: 'arn:aws:iam::123456789012:user/mallory',
          sourceIPAddress: '203.0.113.9',
        }),
      }),
    ]);
    expect(counts).toEqual([{ name: 'EventsIgnored', value: 1, dimensions: { Reason: 'FailedCall' } }]);
  });
});
