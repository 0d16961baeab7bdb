import type { Notification, TransitionKind } from '../core/alert-types.js';
import { type AlertPlan, delivered, released } from '../core/alerts.js';
import type { Notifier } from '../core/ports.js';
import type { FindingCode } from '../core/types.js';
import type { ReconcileDeps, SentNotification } from './types.js';

/** One alert on one channel: claimed, sent, recorded. */
export interface Delivery {
  readonly code: FindingCode;
  readonly transition: TransitionKind;
  readonly channel: string;
  readonly error?: string | undefined;
}

/** A plan and the channel it is for. */
export interface ChannelPlan {
  readonly plan: AlertPlan;
  readonly notifier: Notifier;
}

/**
 * Announces the plans: channels in parallel (a slow Slack does not hold up SNS), each channel its alerts in order.
 * Returns what was delivered or failed; a plan another invocation claimed, or that needs no message, is absent.
 */
export async function announceAll(
  deps: Pick<ReconcileDeps, 'store' | 'log' | 'notifiers'>,
  plans: readonly ChannelPlan[],
  message: (plan: AlertPlan) => Notification,
  now: Date,
): Promise<Delivery[]> {
  const perChannel = await Promise.all(
    deps.notifiers.map(async (notifier) => {
      const told: Delivery[] = [];
      for (const { plan } of plans.filter((entry) => entry.notifier === notifier)) {
        const delivery = await announce(deps, notifier, plan, message, now);
        if (delivery) told.push(delivery);
      }
      return told;
    }),
  );
  return perChannel.flat();
}

/**
 * Claims the channel's alert, sends it, and records the outcome. `undefined` when another invocation has the
 * claim, or when the change needs recording but no message.
 */
async function announce(
  deps: Pick<ReconcileDeps, 'store' | 'log'>,
  notifier: Notifier,
  plan: AlertPlan,
  message: (plan: AlertPlan) => Notification,
  now: Date,
): Promise<Delivery | undefined> {
  const { store, log } = deps;
  const about = { code: plan.code, transition: plan.kind, channel: notifier.channel };
  if (!(await store.compareAndSet(plan.claim, plan.expectedVersion))) {
    log.info('another invocation announces this alert', about);
    return undefined;
  }
  if (!plan.notify) return undefined;

  let error: string | undefined;
  try {
    await notifier.send(message(plan));
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
    log.error('alert not delivered', { ...about, error });
  }
  // A failed delivery gives up its claim at once, so that a retry may deliver it without waiting for the lease.
  const next = error === undefined ? delivered(plan.claim, now) : released(plan.claim);
  if (!(await store.compareAndSet(next, plan.claim.version))) {
    log.warn('alert record changed while delivering', about);
  }
  return { code: plan.code, transition: plan.kind, channel: notifier.channel, error };
}

/** The deliveries grouped per alert (code + transition), in the order they were made: `handle`'s JSON. */
export function summarize(deliveries: readonly Delivery[]): SentNotification[] {
  const byAlert = new Map<
    string,
    {
      code: FindingCode;
      transition: TransitionKind;
      channels: string[];
      failed: { channel: string; error: string }[];
    }
  >();
  for (const delivery of deliveries) {
    const key = `${delivery.code} ${delivery.transition}`;
    const entry = byAlert.get(key) ?? {
      code: delivery.code,
      transition: delivery.transition,
      channels: [],
      failed: [],
    };
    byAlert.set(key, entry);
    if (delivery.error === undefined) entry.channels.push(delivery.channel);
    else entry.failed.push({ channel: delivery.channel, error: delivery.error });
  }
  return [...byAlert.values()].map(({ transition, code, channels, failed }) => ({
    transition,
    code,
    channels,
    failed,
  }));
}
