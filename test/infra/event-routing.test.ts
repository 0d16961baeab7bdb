import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadEventSample } from '../../events/index.js';
import { FORWARDER_ALARM_PREFIX } from '../../infra/forwarder-stack.js';
import { addReconcilerStacks, readAppSettings } from '../../infra/reconciler-app.js';
import { EVENT_SAMPLES } from '../events/sample-expectations.js';
import { assertReadableEventPattern, matchesEventPattern } from '../support/event-pattern.js';
import {
  alarmStateChange,
  type DeployedRule,
  deliveriesTo,
  deliveriesToEventFunction,
  deployedRules,
} from './templates.js';

// Every synthesized AWS::Events::Rule pattern, matched against events as EventBridge would deliver them: on the
// default bus of the event's Region, then (forwarders) on the hub's bus.

interface Deployment {
  readonly name: string;
  readonly hubRegion: string;
  readonly forwarderRegions: readonly string[];
  readonly rules: readonly DeployedRule[];
}

function deploy(name: string, context: Record<string, string>): Deployment {
  const app = new App({ context });
  const settings = readAppSettings(app.node, {});
  const { hub, forwarders } = addReconcilerStacks(app, settings);
  return {
    name,
    hubRegion: settings.hubRegion,
    forwarderRegions: forwarders.map((forwarder) => forwarder.region),
    rules: deployedRules([hub, ...forwarders]),
  };
}

const hubInUsEast1 = deploy('hub in us-east-1', { regions: 'us-east-1,eu-west-1,ap-southeast-2' });
const hubInEuWest1 = deploy('hub in eu-west-1', {
  hubRegion: 'eu-west-1',
  regions: 'eu-west-1,us-east-1,ap-southeast-2',
});
const usEast1Unwatched = deploy('hub in eu-west-1, us-east-1 unwatched', {
  hubRegion: 'eu-west-1',
  regions: 'eu-west-1,ap-southeast-2',
});
const deployments = [hubInUsEast1, hubInEuWest1, usEast1Unwatched];

type Event = Record<string, unknown> & {
  detail: Record<string, unknown> & { requestParameters: Record<string, unknown> };
};
const sample = (file: string) => loadEventSample(file) as Event;
const withRegion = (event: Event, region: string): Event => ({
  ...event,
  region,
  detail: { ...event.detail, awsRegion: region },
});
const deliveries = (deployment: Deployment, event: unknown) =>
  deliveriesToEventFunction(deployment.rules, deployment.hubRegion, event);

describe('event rules: every pattern is one EventBridge accepts and this matcher reads', () => {
  it.each(deployments)('$name', ({ rules }) => {
    for (const rule of rules) {
      expect(rule.targets).toHaveLength(1);
      expect(rule.targets.every((target) => target !== 'other')).toBe(true);
      if (rule.pattern === undefined) {
        expect(rule.schedule).toBe('rate(1 hour)');
        continue;
      }
      // Reading the whole pattern throws on anything the matcher does not know (an intrinsic left in it too).
      expect(() => assertReadableEventPattern(rule.pattern)).not.toThrow();
      // EventBridge limits: a pattern is at most 4096 characters.
      expect(JSON.stringify(rule.pattern).length).toBeLessThan(4096);
    }
  });

  it.each(deployments)(
    '$name: exactly one schedule, in the hub, targeting the event function',
    (deployment) => {
      const schedules = deployment.rules.filter((rule) => rule.schedule !== undefined);
      expect(schedules.map((rule) => [rule.region, rule.bus, rule.targets])).toEqual([
        [deployment.hubRegion, 'default', ['event-function']],
      ]);
    },
  );
});

describe('event rules: the alert topic', () => {
  it.each(deployments)('$name: only the hub-bus forwarder alarm rule publishes to it', (deployment) => {
    const toTopic = deployment.rules.filter((rule) => rule.targets.includes('alert-topic'));
    expect(toTopic.map((rule) => [rule.region, rule.bus, rule.logicalId])).toEqual([
      [deployment.hubRegion, 'hub', expect.stringMatching(/^ReconcilerForwarderAlarmRule[0-9A-F]{8}$/)],
    ]);
  });
});

describe('event rules: the forwarders’ dead-letter alarms', () => {
  const toTopic = (deployment: Deployment, event: unknown) =>
    deliveriesTo('alert-topic', deployment.rules, deployment.hubRegion, event);
  const alarmOf = (region: string) => `${FORWARDER_ALARM_PREFIX}-${region}`;

  it('has a forwarder in every Region but the hub’s', () => {
    expect(deployments.map((deployment) => deployment.forwarderRegions)).toEqual([
      ['eu-west-1', 'ap-southeast-2'],
      ['us-east-1', 'ap-southeast-2'],
      ['ap-southeast-2', 'us-east-1'],
    ]);
  });

  it.each(deployments)(
    '$name: announce a forwarder alarm going into ALARM once, on the topic only',
    (deployment) => {
      for (const region of deployment.forwarderRegions) {
        const event = alarmStateChange(alarmOf(region), region, 'ALARM');
        expect(toTopic(deployment, event)).toBe(1);
        expect(deliveries(deployment, event)).toBe(0);
      }
    },
  );

  it.each(deployments)(
    '$name: announce nothing when it goes back to OK or to INSUFFICIENT_DATA',
    (deployment) => {
      for (const region of deployment.forwarderRegions) {
        for (const value of ['OK', 'INSUFFICIENT_DATA'] as const) {
          const event = alarmStateChange(alarmOf(region), region, value);
          expect(toTopic(deployment, event)).toBe(0);
          expect(deliveries(deployment, event)).toBe(0);
        }
      }
    },
  );

  it.each(deployments)('$name: forward and announce no other alarm', (deployment) => {
    for (const region of [...deployment.forwarderRegions, deployment.hubRegion]) {
      for (const name of ['ServerCpuTooHigh', `${FORWARDER_ALARM_PREFIX}-eu-central-1`]) {
        expect(toTopic(deployment, alarmStateChange(name, region, 'ALARM'))).toBe(0);
      }
    }
    // An alarm of that name in the hub's own Region (there is no forwarder there) is not on the hub's bus.
    expect(
      toTopic(deployment, alarmStateChange(alarmOf(deployment.hubRegion), deployment.hubRegion, 'ALARM')),
    ).toBe(0);
  });

  it('forward only the alarm of their own Region', () => {
    // eu-west-1's alarm name, as if in ap-southeast-2: another ARN, which that forwarder does not forward.
    expect(toTopic(hubInUsEast1, alarmStateChange(alarmOf('eu-west-1'), 'ap-southeast-2', 'ALARM'))).toBe(0);
    expect(
      toTopic(hubInUsEast1, alarmStateChange(alarmOf('eu-west-1'), 'eu-west-1', 'ALARM', '210987654321')),
    ).toBe(0);
  });
});

describe('event rules: ECR replication changes', () => {
  const put = sample('ecr-put-replication-configuration.json');

  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-2'])('deliver a change in %s exactly once', (region) => {
    for (const deployment of [hubInUsEast1, hubInEuWest1]) {
      expect(deliveries(deployment, withRegion(put, region))).toBe(1);
    }
  });

  it('deliver nothing from a Region that is not watched', () => {
    expect(deliveries(hubInUsEast1, withRegion(put, 'eu-central-1'))).toBe(0);
    expect(deliveries(usEast1Unwatched, withRegion(put, 'us-east-1'))).toBe(0);
  });

  it('deliver nothing for other ECR calls', () => {
    const describeRegistry = { ...put, detail: { ...put.detail, eventName: 'DescribeRegistry' } };
    for (const deployment of deployments) {
      expect(deliveries(deployment, sample('ecr-create-repository.json'))).toBe(0);
      expect(deliveries(deployment, describeRegistry)).toBe(0);
    }
  });

  it('deliver nothing for an event from another source that looks the same', () => {
    expect(deliveries(hubInUsEast1, { ...put, source: 'custom.ecr' })).toBe(0);
  });
});

describe('event rules: IAM calls on the replication role', () => {
  const createSlr = sample('iam-create-service-linked-role.json');
  const deleteRole = sample('iam-delete-role.json');
  const withParameters = (event: Event, requestParameters: Record<string, unknown>): Event => ({
    ...event,
    detail: { ...event.detail, requestParameters },
  });

  it.each(deployments)(
    '$name: delivers them once, forwarded from us-east-1 when the hub is elsewhere',
    (deployment) => {
      expect(deliveries(deployment, createSlr)).toBe(1);
      expect(deliveries(deployment, deleteRole)).toBe(1);
    },
  );

  it('matches the role name and the service name in any case, under either spelling of the key', () => {
    for (const requestParameters of [
      { roleName: 'awsserviceroleforecrreplication' },
      { roleName: 'AWSSERVICEROLEFORECRREPLICATION' },
      { aWSServiceName: 'replication.ecr.amazonaws.com' },
      { awsServiceName: 'Replication.ECR.amazonaws.com' },
    ]) {
      expect(deliveries(hubInUsEast1, withParameters(createSlr, requestParameters))).toBe(1);
    }
  });

  it('ignores other roles and services, names that only start the same, and unwatched calls', () => {
    for (const requestParameters of [
      { roleName: 'AWSServiceRoleForECRReplicationBackup' },
      { roleName: 'AWSServiceRoleForECRPullThroughCache' },
      { aWSServiceName: 'pullthroughcache.ecr.amazonaws.com' },
      { AWSServiceName: 'replication.ecr.amazonaws.com' },
      {},
    ]) {
      expect(deliveries(hubInUsEast1, withParameters(createSlr, requestParameters))).toBe(0);
    }
    expect(deliveries(hubInUsEast1, sample('iam-tag-role.json'))).toBe(0);
  });

  it('delivers each watched event name, and only those', () => {
    const names = [
      'CreateServiceLinkedRole',
      'DeleteServiceLinkedRole',
      'DeleteRole',
      'CreateRole',
      'UpdateRole',
    ];
    for (const eventName of [
      ...names,
      'UpdateRoleDescription',
      'UpdateAssumeRolePolicy',
      'AttachRolePolicy',
    ]) {
      expect(deliveries(hubInUsEast1, { ...deleteRole, detail: { ...deleteRole.detail, eventName } })).toBe(
        1,
      );
    }
    for (const eventName of ['DetachRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy']) {
      expect(deliveries(hubInEuWest1, { ...deleteRole, detail: { ...deleteRole.detail, eventName } })).toBe(
        1,
      );
    }
    for (const eventName of ['GetRole', 'TagRole', 'PassRole', 'PutRolePermissionsBoundary']) {
      expect(deliveries(hubInUsEast1, { ...deleteRole, detail: { ...deleteRole.detail, eventName } })).toBe(
        0,
      );
    }
  });

  it('puts no IAM rule on a default bus outside us-east-1 (IAM events are delivered only there)', () => {
    for (const deployment of deployments) {
      const outside = deployment.rules.filter(
        (rule) =>
          rule.bus === 'default' &&
          rule.region !== 'us-east-1' &&
          rule.pattern !== undefined &&
          matchesEventPattern(rule.pattern, createSlr),
      );
      expect(outside).toEqual([]);
    }
  });
});

describe('event rules: Region opt-in changes', () => {
  it.each(deployments)('$name: delivers them once', (deployment) => {
    expect(deliveries(deployment, sample('account-region-opt-in.json'))).toBe(1);
  });
});

describe('event rules: the samples in events/', () => {
  it('has samples to check', () => {
    expect(EVENT_SAMPLES.length).toBeGreaterThan(20);
  });

  describe.each([hubInUsEast1, hubInEuWest1])('$name', (deployment) => {
    it.each(EVENT_SAMPLES.filter((entry) => entry.kind !== 'schedule'))('$file', (entry) => {
      const event = loadEventSample(entry.file);
      const count = deliveries(deployment, event);
      if (entry.relevant || entry.attempt) {
        // Relevant events, and failed attempts on the role (logged by the handler), arrive exactly once.
        expect(count).toBe(1);
      } else if ((event as { detail?: { errorCode?: unknown } } | null)?.detail?.errorCode !== undefined) {
        // A failed call the rule cannot tell from a successful one: the handler drops it.
        expect(count).toBeLessThanOrEqual(1);
      } else {
        expect(count).toBe(0);
      }
    });
  });

  it('gets the schedule from its own rule, not from a pattern', () => {
    const scheduled = EVENT_SAMPLES.filter((entry) => entry.kind === 'schedule');
    expect(scheduled.length).toBeGreaterThan(0);
    for (const entry of scheduled) {
      for (const deployment of deployments)
        expect(deliveries(deployment, loadEventSample(entry.file))).toBe(0);
    }
  });
});
