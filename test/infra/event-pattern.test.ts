import { describe, expect, it } from 'vitest';
import {
  assertReadableEventPattern,
  matchesEventPattern,
  UnsupportedPatternError,
} from '../support/event-pattern.js';

// The examples of the EventBridge User Guide: "Event patterns", "Arrays in event patterns", "Matching null values and
// empty strings", "Content filtering" and "Comparison operators for use in event patterns".

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

describe('matchesEventPattern: the EventBridge User Guide examples', () => {
  it('matches the fields named in the pattern and ignores the others', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(false);
    expect(matchesEventPattern(pattern, { ...ec2Event, source: 'aws.fargate' })).toBe(false);
  });

  it('ORs the values of a pattern array', () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2Event, source: 'aws.fargate' })).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2Event, source: 'aws.s3' })).toBe(false);
  });

  it('matches an event array when it intersects the pattern array', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { resources: [] })).toBe(false);
  });

  it('requires every field of the pattern, at the same nesting', () => {
    expect(
      matchesEventPattern({ detail: { state: ['terminated'] } }, { ...ec2Event, detail: undefined }),
    ).toBe(false);
    expect(matchesEventPattern({ state: ['terminated'] }, ec2Event)).toBe(false);
  });

  it('tells null from the empty string', () => {
    const event = { detail: { eventVersion: '', responseElements: null } };
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
  });

  it('matches a prefix, with or without case', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-12-22' }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, ec2Event)).toBe(false);
    const service = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(matchesEventPattern(service, { detail: { service: 'eventbridge' } })).toBe(true);
    expect(matchesEventPattern(service, { detail: { service: 'EVENTBRIDGE' } })).toBe(true);
    expect(matchesEventPattern(service, { detail: { service: 'sns' } })).toBe(false);
  });

  it('matches a suffix, with or without case', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'a.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'a.PNG' })).toBe(false);
    const ignoringCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matchesEventPattern(ignoringCase, { detail: { FileName: 'a.PNG' } })).toBe(true);
  });

  it('matches equals-ignore-case', () => {
    const pattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matchesEventPattern(pattern, { Name: 'Alice' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'ALICE' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'Alicia' })).toBe(false);
    expect(matchesEventPattern(pattern, {})).toBe(false);
  });

  it('matches anything-but a value, a list, a prefix, a suffix or any casing', () => {
    const state = (value: unknown) => ({ detail: { state: value } });
    expect(
      matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('running')),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('initializing')),
    ).toBe(false);
    const limit = (value: unknown) => ({ detail: { 'x-limit': value } });
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, limit(124))).toBe(true);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, limit(123))).toBe(false);
    const list = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesEventPattern(list, state('running'))).toBe(true);
    expect(matchesEventPattern(list, state('stopped'))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesEventPattern(numbers, limit(150))).toBe(true);
    expect(matchesEventPattern(numbers, limit(200))).toBe(false);
    const prefix = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesEventPattern(prefix, state('running'))).toBe(true);
    expect(matchesEventPattern(prefix, state('initializing'))).toBe(false);
    const suffix = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matchesEventPattern(suffix, { FileName: 'a.txt' })).toBe(true);
    expect(matchesEventPattern(suffix, { FileName: 'a.png' })).toBe(false);
    const casing = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matchesEventPattern(casing, { state: 'INITIALIZING' })).toBe(false);
    expect(matchesEventPattern(casing, { state: 'running' })).toBe(true);
    const wildcard = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesEventPattern(wildcard, { FilePath: 'src/lib/a.js' })).toBe(false);
    expect(matchesEventPattern(wildcard, { FilePath: 'src/bin/a.js' })).toBe(true);
  });

  it('does not match anything-but on a missing field', () => {
    expect(
      matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: {} }),
    ).toBe(false);
  });

  it('matches numeric ranges, all bounds together', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesEventPattern(pattern, { detail: { 'c-count': 5, 'd-count': 9, 'x-limit': 301.8 } })).toBe(
      true,
    );
    expect(matchesEventPattern(pattern, { detail: { 'c-count': 0, 'd-count': 9, 'x-limit': 301.8 } })).toBe(
      false,
    );
    expect(matchesEventPattern(pattern, { detail: { 'c-count': '5', 'd-count': 9, 'x-limit': 301.8 } })).toBe(
      false,
    );
  });

  it('matches an IPv4 address in a CIDR range', () => {
    const pattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    expect(matchesEventPattern(pattern, { detail: { sourceIPAddress: '10.0.0.255' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { sourceIPAddress: '10.0.1.0' } })).toBe(false);
  });

  it('matches exists true and false, on leaf nodes only', () => {
    const exists = { detail: { state: [{ exists: true }] } };
    expect(matchesEventPattern(exists, ec2Event)).toBe(true);
    expect(matchesEventPattern(exists, withDetail({ 'c-count': { c1: 100 } }))).toBe(false);
    const missing = { detail: { 'c-count': [{ exists: false }] } };
    expect(matchesEventPattern(missing, withDetail({ state: ['initializing', 'running'] }))).toBe(true);
    // c-count is not a leaf node here, so it does not "exist" for the pattern.
    expect(
      matchesEventPattern(missing, withDetail({ state: ['initializing'], 'c-count': { c1: 100 } })),
    ).toBe(true);
    expect(matchesEventPattern(missing, withDetail({ 'c-count': 3 }))).toBe(false);
  });

  it('combines several filters (the complex example)', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const event = {
      time: '2017-10-02T18:43:48Z',
      detail: { state: 'running', 'c-count': 2, 'd-count': 3, 'x-limit': 150 },
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...event, detail: { ...event.detail, 'x-limit': 300 } })).toBe(
      false,
    );
  });

  it('matches a wildcard', () => {
    const pattern = { FileName: [{ wildcard: 'dir/*.png' }] };
    expect(matchesEventPattern(pattern, { FileName: 'dir/a.png' })).toBe(true);
    expect(matchesEventPattern(pattern, { FileName: 'dir/sub/a.png' })).toBe(true);
    expect(matchesEventPattern(pattern, { FileName: 'other/a.png' })).toBe(false);
  });

  it('matches $or alternatives, top-level and nested, ANDed with the other fields', () => {
    const either = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(matchesEventPattern(either, { Location: 'New York', Day: 'Friday' })).toBe(true);
    expect(matchesEventPattern(either, { Location: 'Paris', Day: 'Monday' })).toBe(true);
    expect(matchesEventPattern(either, { Location: 'Paris', Day: 'Friday' })).toBe(false);

    const withSource = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesEventPattern(withSource, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' })).toBe(true);
    expect(matchesEventPattern(withSource, { source: 'aws.ec2', namespace: 'AWS/EC2' })).toBe(false);

    const nested = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { $or: [{ metricType: ['MetricType'] }, { namespace: ['AWS/EC2'] }] },
        ],
      },
    };
    expect(matchesEventPattern(nested, { detail: { 'c-count': 3 } })).toBe(true);
    expect(matchesEventPattern(nested, { detail: { namespace: 'AWS/EC2' } })).toBe(true);
    expect(matchesEventPattern(nested, { detail: { 'c-count': 30, 'd-count': 30 } })).toBe(false);
  });

  it('matches a nested pattern against any element of an array of objects', () => {
    const pattern = { detail: { rules: { destinations: { region: ['eu-west-1'] } } } };
    const event = {
      detail: {
        rules: [{ destinations: [{ region: 'us-west-2' }] }, { destinations: [{ region: 'eu-west-1' }] }],
      },
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { rules: [{ destinations: [] }] } })).toBe(false);
  });

  it('throws on an operator it does not know rather than guess', () => {
    expect(() => matchesEventPattern({ a: [{ contains: 'x' }] }, { a: 'x' })).toThrow(
      UnsupportedPatternError,
    );
    expect(() => matchesEventPattern({ a: 'x' }, { a: 'x' })).toThrow(UnsupportedPatternError);
    expect(() => matchesEventPattern({ $or: [{ a: ['x'] }] }, { a: 'x' })).toThrow(UnsupportedPatternError);
  });
});

describe('assertReadableEventPattern', () => {
  it('reads every field, alternative and matcher the matcher knows', () => {
    expect(() =>
      assertReadableEventPattern({
        source: ['aws.cloudwatch'],
        resources: [{ prefix: 'arn:aws:cloudwatch:' }],
        detail: {
          alarmName: [{ prefix: { 'equals-ignore-case': 'x' } }, { suffix: '-1' }, { wildcard: 'a*b' }],
          state: { value: ['ALARM', { 'anything-but': ['OK', 'INSUFFICIENT_DATA'] }] },
          count: [{ numeric: ['>', 0, '<=', 5] }, null, 3, true],
          ip: [{ cidr: '10.0.0.0/8' }],
          gone: [{ exists: false }],
          $or: [{ a: [{ 'anything-but': { prefix: 'x' } }] }, { b: [{ 'equals-ignore-case': 'y' }] }],
        },
      }),
    ).not.toThrow();
  });

  it('throws on what matching alone would skip: a field after one that does not match, a later alternative', () => {
    const intrinsic = { source: ['aws.cloudwatch'], resources: [{ 'Fn::GetAtt': ['Alarm', 'Arn'] }] };
    // Matching stops at `source`: the intrinsic in `resources` is never read.
    expect(matchesEventPattern(intrinsic, { source: 'aws.ecr' })).toBe(false);
    expect(() => assertReadableEventPattern(intrinsic)).toThrow(UnsupportedPatternError);
    expect(() => assertReadableEventPattern({ $or: [{ a: ['x'] }, { b: [{ contains: 'y' }] }] })).toThrow(
      UnsupportedPatternError,
    );
    expect(() => assertReadableEventPattern({ a: [{ 'anything-but': ['x', { contains: 'y' }] }] })).toThrow(
      UnsupportedPatternError,
    );
  });

  it.each([
    [{ a: [{ numeric: ['>', 'one'] }] }],
    [{ a: [{ numeric: ['~', 1] }] }],
    [{ a: [{ cidr: '2001:db8::/32' }] }],
    [{ a: [{ exists: 'yes' }] }],
    [{ a: [{ prefix: 1 }] }],
    [{ a: [{ wildcard: ['x'] }] }],
    [{ a: [{ prefix: 'x', suffix: 'y' }] }],
    [{ a: 'x' }],
    [{ $or: [{ a: ['x'] }] }],
    [['not', 'an', 'object']],
  ])('throws on %j', (pattern) => {
    expect(() => assertReadableEventPattern(pattern)).toThrow(UnsupportedPatternError);
  });
});
