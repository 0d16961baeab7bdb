import type { Classification, Trigger } from '../core/classify.js';
import type { FindingCode, Report } from '../core/types.js';
import type { ReconcileLog, SentNotification } from '../reconcile/reconcile.js';
import { METRICS } from '../settings.js';

/** Counts for CloudWatch (EMF on Lambda). Dimensions are low-cardinality labels. */
export interface MetricSink {
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
}

/** What the handler says about each event, in logs and metrics. One place, so that both stay consistent. */
export interface Telemetry {
  malformed(eventId: string | undefined, issues: readonly string[]): void;
  ignored(classification: Extract<Classification, { relevant: false }>, eventId: string | undefined): void;
  relevant(trigger: Trigger, reason: string): void;
  /** `deferred`: high findings held for a grace re-check, not yet confirmed (so not yet counted as open). */
  reconciled(
    report: Report,
    notifications: readonly SentNotification[],
    deferred?: readonly FindingCode[],
  ): void;
  /** The alerts of an account no longer watched were closed (organization mode). */
  departed(
    departure: { readonly account: string; readonly state: string | null },
    notifications: readonly SentNotification[],
  ): void;
}

export function createTelemetry(log: ReconcileLog, metrics: MetricSink): Telemetry {
  return {
    malformed(eventId, issues) {
      log.error('malformed event', { eventId: eventId ?? null, issues });
      metrics.count('MalformedEvents', 1);
    },
    ignored(classification, eventId) {
      if (classification.attempt) {
        // A failed call on the protected role changes nothing, but who tried, and from where, is worth keeping.
        const { errorCode, eventName, actorArn, sourceIPAddress, awsRegion } = classification.attempt;
        log.info('failed call on the replication role', {
          eventId,
          eventName,
          errorCode,
          actorArn,
          sourceIPAddress,
          awsRegion,
        });
      } else {
        log.info('event ignored', { eventId, reason: classification.reason });
      }
      metrics.count('EventsIgnored', 1, { Reason: classification.attempt ? 'FailedCall' : 'NotRelevant' });
    },
    relevant(trigger, reason) {
      log.info('reconciling', { eventId: trigger.eventId, trigger: trigger.kind, reason });
    },
    reconciled(report, notifications, deferred = []) {
      const unreadable = report.regions.filter((region) => region.state === 'unreadable').length;
      const roleUnreadable = report.role.error ? 1 : 0;
      log.info('reconciled', {
        account: report.account,
        desiredRole: report.desiredRole,
        findingCodes: report.findings.map((finding) => finding.code),
        unreadableRegions: report.regions.filter((r) => r.state === 'unreadable').map((r) => r.region),
      });
      for (const finding of report.findings) metrics.count('Findings', 1, { Code: finding.code });
      metrics.count(
        METRICS.openHighFindings,
        report.findings.filter((finding) => finding.severity === 'high' && !deferred.includes(finding.code))
          .length,
      );
      metrics.count('ObservationErrors', unreadable + roleUnreadable);
      countDeliveries(metrics, notifications);
    },
    departed(departure, notifications) {
      log.info('alerts of an account no longer watched closed', {
        account: departure.account,
        accountState: departure.state ?? 'not in the organization',
        closed: notifications.map((notification) => notification.code),
      });
      metrics.count('DepartedAccountsClosed', 1);
      countDeliveries(metrics, notifications);
    },
  };
}

function countDeliveries(metrics: MetricSink, notifications: readonly SentNotification[]): void {
  for (const notification of notifications) {
    for (const channel of notification.channels) {
      metrics.count('AlertsSent', 1, { Channel: channel, Transition: notification.transition });
    }
    for (const { channel } of notification.failed) metrics.count('AlertsFailed', 1, { Channel: channel });
  }
  // One undimensioned count of alerts a channel did not deliver, for the UndeliveredAlerts alarm.
  const undelivered = notifications.reduce((sum, notification) => sum + notification.failed.length, 0);
  if (undelivered > 0) metrics.count(METRICS.alertsUndelivered, undelivered);
}
