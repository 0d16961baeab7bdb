import type { App } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Node } from 'constructs';
import { parseRegions } from '../functions/config.js';
import { partitionOfRegion } from '../functions/core/partition.js';
import { globalEventsRegion } from './event-patterns.js';
import { ForwarderStack } from './forwarder-stack.js';
import { hubEventBusArn } from './hub-event-bus.js';
import { ReconcilerHubStack } from './hub-stack.js';
import { addManagementAccountStacks } from './management-stacks.js';
import type { MemberStack } from './member-stack.js';
import { readOrganizationContext } from './organization-context.js';
import type { OrganizationProps } from './organization-props.js';

/** Stack names: a public contract of the deployment (`cdk deploy <name>`). */
export const HUB_STACK_NAME = 'EcrReplicationRoleReconciler';
export const forwarderStackName = (region: string) => `EcrReplicationRoleReconcilerForwarder-${region}`;

export const DEFAULT_HUB_REGION = 'us-east-1';

/** The deployment, as read from CDK context (`-c key=value` or `cdk.json`) and the environment. */
export interface ReconcilerAppSettings {
  readonly hubRegion: string;
  readonly regions: readonly string[];
  /** `undefined`: an environment-agnostic account, resolved at deploy time. */
  readonly account: string | undefined;
  readonly alertEmail?: string | undefined;
  readonly slackWebhookSecretArn?: string | undefined;
  readonly schedule?: events.Schedule | undefined;
  readonly graceSeconds?: number | undefined;
  readonly reminderHours?: number | undefined;
  readonly eventConcurrency?: number | 'unreserved' | undefined;
  /** Organization mode (see `readOrganizationContext`). */
  readonly organization?: OrganizationProps | undefined;
  /** Organization mode: the management account, which gets the member template as plain stacks. */
  readonly managementAccount?: string | undefined;
}

/**
 * Reads the context: `hubRegion` (default us-east-1), `regions` (comma list, default the hub Region),
 * `account` (default `CDK_DEFAULT_ACCOUNT`), `alertEmail`, `slackWebhookSecretArn`, `schedule` (`rate(…)` or
 * `cron(…)`), `graceSeconds`, `reminderHours`, `eventConcurrency` (a number or `unreserved`), and organization
 * mode's keys (`organizationId`, `targetOus`, … and `managementAccount`: see `readOrganizationContext`). Throws an
 * error naming the context key.
 */
export function readAppSettings(
  node: Node,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReconcilerAppSettings {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null) return undefined;
    const trimmed = (Array.isArray(value) ? value.join(',') : String(value)).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const number = (key: string): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`context ${key}=${value} is not a number.`);
    return parsed;
  };

  const hubRegion = parseRegions(text('hubRegion') ?? DEFAULT_HUB_REGION, 'context hubRegion')?.[0];
  if (!hubRegion || (text('hubRegion') ?? '').includes(',')) {
    throw new Error('context hubRegion: give one Region code, e.g. us-east-1.');
  }
  const regions = parseRegions(text('regions') ?? hubRegion, 'context regions') ?? [hubRegion];
  const account = text('account') ?? env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    throw new Error(`context account=${account} is not a 12-digit AWS account id.`);
  }
  const scheduleText = text('schedule');
  if (scheduleText !== undefined && !/^(rate|cron)\(.+\)$/.test(scheduleText)) {
    throw new Error(
      `context schedule=${scheduleText}: give an EventBridge schedule expression, e.g. "rate(1 hour)" or ` +
        '"cron(0 * * * ? *)".',
    );
  }
  const organization = readOrganizationContext(text, regions);
  return {
    hubRegion,
    regions,
    account,
    ...(organization ?? {}),
    alertEmail: text('alertEmail'),
    slackWebhookSecretArn: text('slackWebhookSecretArn'),
    schedule: scheduleText === undefined ? undefined : events.Schedule.expression(scheduleText),
    graceSeconds: number('graceSeconds'),
    reminderHours: number('reminderHours'),
    eventConcurrency: text('eventConcurrency') === 'unreserved' ? 'unreserved' : number('eventConcurrency'),
  };
}

export interface ReconcilerStacks {
  readonly hub: ReconcilerHubStack;
  readonly forwarders: readonly ForwarderStack[];
  /** Organization mode with `managementAccount`: the management account's member stacks. */
  readonly members: readonly MemberStack[];
}

/**
 * Adds the hub stack and one forwarder stack per other Region that has events for it: every other watched Region,
 * plus the Region of the account's global-service events (IAM) when the hub is not there; in organization mode with
 * a management account, that account's member stacks too. (The repo's app,
 * `infra/app.ts`, also checks the whole app with cdk-nag's AWS Solutions rules; every acknowledged finding is
 * suppressed beside its resource, so an app that runs cdk-nag sees the same.)
 *
 * @example
 * const app = new App();
 * addReconcilerStacks(app, { hubRegion: 'us-east-1', regions: ['us-east-1', 'eu-west-1'], account: '111122223333' });
 * app.synth();
 */
export function addReconcilerStacks(
  app: App,
  settings: ReconcilerAppSettings = readAppSettings(app.node),
): ReconcilerStacks {
  const { hubRegion, regions, account } = settings;
  const globalRegion = globalEventsRegion(hubRegion);
  const forwarderRegions = [
    ...new Set([...regions, ...(globalRegion === hubRegion ? [] : [globalRegion])]),
  ].filter((region) => region !== hubRegion);
  const partition = partitionOfRegion(hubRegion);
  const elsewhere = [...regions, ...forwarderRegions].filter(
    (region) => partitionOfRegion(region) !== partition,
  );
  if (elsewhere.length > 0) {
    throw new Error(
      `Regions ${elsewhere.join(', ')} are not in the hub's partition (${partition}): deploy one hub per partition.`,
    );
  }
  if (forwarderRegions.length > 0 && partition !== 'aws') {
    throw new Error(
      `Cross-Region event bus targets are only available in commercial Regions, not in ${partition}: ` +
        'watch only the hub Region there.',
    );
  }

  const hub = new ReconcilerHubStack(app, HUB_STACK_NAME, {
    env: { account, region: hubRegion },
    description: 'ECR replication role reconciler: hub (functions, rules, alerts, state)',
    reconciler: {
      regions,
      schedule: settings.schedule,
      graceSeconds: settings.graceSeconds,
      reminderHours: settings.reminderHours,
      alertEmail: settings.alertEmail,
      slackWebhookSecretArn: settings.slackWebhookSecretArn,
      eventConcurrency: settings.eventConcurrency,
      ...(settings.organization ? { organization: settings.organization } : {}),
    },
  });
  const busArn = hubEventBusArn(hubRegion, account);
  const forwarders = forwarderRegions.map((region) => {
    const forwarder = new ForwarderStack(app, forwarderStackName(region), {
      env: { account, region },
      description: `ECR replication role reconciler: forwards ${region} events to the hub in ${hubRegion}`,
      hubEventBusArn: busArn,
      forwardEcrEvents: regions.includes(region),
      forwardGlobalEvents: region === globalRegion,
    });
    // Deploy order only (the hub's bus first); no value crosses the Regions.
    forwarder.addStackDependency(hub, 'the hub event bus receives what this stack forwards');
    return forwarder;
  });

  const { organization, managementAccount } = settings;
  const members =
    organization && managementAccount
      ? addManagementAccountStacks(app, {
          managementAccount,
          hubRegion,
          hubAccount: account,
          watchedRegions: regions,
          organization,
        })
      : [];
  return { hub, forwarders, members };
}
