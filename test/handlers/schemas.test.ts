import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEventSample } from '../../events/index.js';
import { parseTrigger } from '../../functions/app/event/parse.js';
import { classify } from '../../functions/core/classify.js';
import { ROLE_EVENT_NAMES } from '../../functions/core/watched-events.js';
import { EVENT_SAMPLES } from '../events/sample-expectations.js';

type Json = Record<string, unknown>;

const ROLE = 'AWSServiceRoleForECRReplication';
const PRINCIPAL = 'replication.ecr.amazonaws.com';

const sample = (file: string) => loadEventSample(file) as Json & { detail: Json };
const detailOf = (event: Json) => event.detail as Json;

const issuesOf = (input: unknown) => {
  const parsed = parseTrigger(input);
  if (parsed.ok) throw new Error('expected the input to be rejected');
  return parsed;
};

describe('parseTrigger: malformed input', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'Scheduled Event'],
    ['a number', 42],
    ['an array', [sample('scheduled-event.json')]],
    ['an empty object', {}],
  ])('rejects %s, without an id', (_name, input) => {
    const parsed = issuesOf(input);

    expect(parsed.id).toBeUndefined();
    expect(parsed.issues.length).toBeGreaterThan(0);
  });

  it.each<[string, (event: Json) => void, RegExp]>([
    ['no detail', (event) => delete event.detail, /^detail: /],
    ['a null detail', (event) => (event.detail = null), /^detail: /],
    ['a string detail', (event) => (event.detail = '{}'), /^detail: /],
    ['no eventName', (event) => delete detailOf(event).eventName, /^detail\.eventName: .*expected string/],
    ['an empty eventID', (event) => (detailOf(event).eventID = ''), /^detail\.eventID: /],
    ['a numeric eventSource', (event) => (detailOf(event).eventSource = 7), /^detail\.eventSource: /],
    [
      'an eventTime that is no time',
      (event) => (detailOf(event).eventTime = 'yesterday'),
      /^detail\.eventTime: /,
    ],
    [
      'an awsRegion that is no Region',
      (event) => (detailOf(event).awsRegion = 'the moon'),
      /^detail\.awsRegion: .*Region code/,
    ],
    [
      'a userIdentity.arn that is no string',
      (event) => ((detailOf(event).userIdentity as Json).arn = 1),
      /^detail\.userIdentity\.arn: /,
    ],
    [
      'requestParameters as an array',
      (event) => (detailOf(event).requestParameters = []),
      /^detail\.requestParameters: /,
    ],
    [
      'responseElements as a string',
      (event) => (detailOf(event).responseElements = 'ok'),
      /^detail\.responseElements: /,
    ],
    ['an empty errorCode', (event) => (detailOf(event).errorCode = ''), /^detail\.errorCode: /],
    ['an account that is no account id', (event) => (event.account = '1234'), /^account: .*12-digit/],
    ['an envelope time that is no time', (event) => (event.time = 'now'), /^time: /],
  ])('rejects a CloudTrail event with %s, naming the field and the event id', (_name, mutate, issue) => {
    const event = sample('iam-delete-service-linked-role.json');
    mutate(event);

    const parsed = issuesOf(event);

    expect(parsed.id).toBe(event.id);
    expect(parsed.issues).toEqual(expect.arrayContaining([expect.stringMatching(issue)]));
  });

  it.each<[string, (event: Json) => void, RegExp]>([
    ['no regionName', (event) => delete detailOf(event).regionName, /^detail\.regionName: /],
    ['an empty status', (event) => (detailOf(event).status = ''), /^detail\.status: /],
  ])('rejects a Region opt-in event with %s', (_name, mutate, issue) => {
    const event = sample('account-region-opt-in.json');
    mutate(event);

    const parsed = issuesOf(event);

    expect(parsed.id).toBe(event.id);
    expect(parsed.issues).toEqual([expect.stringMatching(issue)]);
  });

  it('reports the sample missing eventName as such', () => {
    const parsed = issuesOf(loadEventSample('malformed-cloudtrail-missing-event-name.json'));

    expect(parsed.issues).toEqual(['detail.eventName: Invalid input: expected string, received undefined']);
  });

  it('leaves out an id that is not a usable string', () => {
    const event = sample('malformed-missing-detail.json');
    event.id = { not: 'a string' };

    const parsed = issuesOf(event);

    expect(parsed.id).toBeUndefined();
    expect(parsed.issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/^id: /), expect.stringMatching(/^detail: /)]),
    );
  });

  it('bounds the number of issues', () => {
    const event: Json = Object.fromEntries(
      ['version', 'id', 'source', 'account', 'time', 'region', 'detail-type', 'detail'].map((key) => [
        key,
        1n,
      ]),
    );
    event.resources = Array.from({ length: 50 }, () => 1);

    const parsed = issuesOf(event);

    expect(parsed.issues.length).toBeLessThanOrEqual(11);
    expect(parsed.issues.at(-1)).toMatch(/^… and \d+ more$/);
  });
});

describe('parseTrigger: well-formed input', () => {
  it('keeps unknown fields in the envelope, the record and the identity', () => {
    const event = sample('iam-create-service-linked-role.json');
    event.newEnvelopeField = { any: ['thing'] };
    detailOf(event).eventVersion = '1.99';
    detailOf(event).someFutureField = 42;
    (detailOf(event).userIdentity as Json).onBehalfOf = { userId: 'u-1' };

    const parsed = parseTrigger(event);

    expect(parsed).toMatchObject({
      ok: true,
      event: {
        shape: 'cloudtrail',
        newEnvelopeField: { any: ['thing'] },
        detail: {
          eventVersion: '1.99',
          someFutureField: 42,
          userIdentity: { onBehalfOf: { userId: 'u-1' } },
        },
      },
    });
  });

  it('reads absent or null optional fields as absent', () => {
    const event = sample('iam-delete-role.json');
    const detail = detailOf(event);
    delete detail.requestParameters;
    delete detail.responseElements;
    delete detail.userAgent;
    detail.sourceIPAddress = null;
    detail.userIdentity = null;
    detail.errorCode = null;

    const parsed = parseTrigger(event);

    expect(parsed).toMatchObject({
      ok: true,
      event: { detail: { requestParameters: null, responseElements: null } },
    });
  });

  it.each<[string, string, string]>([
    ['scheduled-event.json', 'schedule', 'aws.events'],
    ['account-region-opt-in.json', 'region-opt-in', 'aws.account'],
    ['ecr-put-replication-configuration.json', 'cloudtrail', 'aws.ecr'],
    ['iam-update-role.json', 'cloudtrail', 'aws.iam'],
  ])('tags %s as %s', (file, shape, source) => {
    const parsed = parseTrigger(loadEventSample(file));

    expect(parsed).toMatchObject({ ok: true, event: { shape, source } });
  });

  it('accepts another EventBridge event as "other", whatever its detail', () => {
    const event = {
      ...sample('scheduled-event.json'),
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
    };
    event.detail = { 'instance-id': 'i-0abc', state: 'terminated' };

    const parsed = parseTrigger(event);

    expect(parsed).toMatchObject({ ok: true, event: { shape: 'other', detail: { state: 'terminated' } } });
  });

  it('does not take a look-alike schedule from another source as the schedule', () => {
    const event = { ...sample('scheduled-event.json'), source: 'custom.scheduler' };

    const parsed = parseTrigger(event);

    expect(parsed).toMatchObject({ ok: true, event: { shape: 'other' } });
  });

  it('does not let an input field named shape choose the shape', () => {
    const event = { ...sample('ecr-create-repository.json'), shape: 'schedule' };

    const parsed = parseTrigger(event);

    expect(parsed).toMatchObject({ ok: true, event: { shape: 'cloudtrail' } });
  });

  it('does not modify its input', () => {
    const event = sample('iam-delete-service-linked-role.json');
    delete detailOf(event).requestParameters;
    const before = structuredClone(event);

    parseTrigger(event);

    expect(event).toEqual(before);
  });
});

/** Every path to a value in a JSON tree, the root included. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

type Mutation = 'replace' | 'insert' | 'delete';

/** A copy of `root` with the value at `path` replaced, a key inserted beside it, or the value removed. */
function mutate(
  root: unknown,
  path: (string | number)[],
  mode: Mutation,
  value: unknown,
  key: string,
): unknown {
  if (path.length === 0) return mode === 'replace' ? value : root;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (mode === 'replace') parent[last] = value;
  else if (mode === 'delete') delete parent[last];
  else if (Array.isArray(parent)) parent.splice(Number(last), 0, value);
  // An own key, as JSON.parse makes it, even for `__proto__`.
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const samples = EVENT_SAMPLES.map((entry) => loadEventSample(entry.file));
/** The fields that parsing checks and classification reads: half the mutations land there. */
const USED = new Set([
  ...['eventID', 'eventName', 'eventSource', 'eventTime', 'awsRegion', 'errorCode', 'userIdentity'],
  ...['sourceIPAddress', 'userAgent', 'requestParameters', 'responseElements', 'regionName', 'status'],
]);
const allPaths = samples.flatMap((value, index) => pathsOf(value).map((path) => ({ index, path })));
const usedPaths = allPaths.filter(
  ({ path }) => path[0] === 'detail' && USED.has(String(path[1])) && path.length <= 3,
);

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  maxDepth: 3,
});

/** Values that break code assuming a type, then anything at all. */
const tricky = fc.oneof(
  { arbitrary: fc.constantFrom(null, undefined, '', 0, false, [], {}, 'x'.repeat(5000)), weight: 2 },
  { arbitrary: anything, weight: 1 },
  { arbitrary: fc.jsonValue(), weight: 1 },
);

const mutatedSample = fc
  .record({
    target: fc.constantFrom(...allPaths),
    mode: fc.constantFrom<Mutation>('replace', 'insert', 'delete'),
    value: fc.oneof(anything, fc.jsonValue()),
    key: fc.oneof(
      fc.string(),
      fc.constantFrom('__proto__', 'constructor', 'eventName', 'roleName', 'detail'),
    ),
  })
  .map(({ target, mode, value, key }) => mutate(samples[target.index], target.path, mode, value, key));

/** Real samples with a field that parsing checks or classification reads replaced. */
const mutatedUsedField = fc
  .record({ target: fc.constantFrom(...usedPaths), value: tricky })
  .map(({ target, value }) => mutate(samples[target.index], target.path, 'replace', value, ''));

const ROLE_KEYS = ['roleName', 'RoleName', 'rolename', 'aWSServiceName', 'awsServiceName', 'AWSServiceName'];

/** A real IAM event with a watched or random call name and crafted parameters and response. */
const craftedIamCall = fc
  .record({
    eventName: fc.oneof(fc.constantFrom(...ROLE_EVENT_NAMES), fc.string()),
    requestParameters: fc.option(
      fc.dictionary(
        fc.oneof(fc.constantFrom(...ROLE_KEYS), fc.string()),
        fc.oneof(tricky, fc.constantFrom(ROLE, PRINCIPAL)),
      ),
    ),
    responseElements: fc.option(
      fc.dictionary(fc.constantFrom('deletionTaskId', 'role', '__proto__'), tricky),
    ),
    errorCode: fc.option(fc.string()),
  })
  .map((fields) => {
    const event = sample('iam-delete-service-linked-role.json');
    Object.assign(detailOf(event), fields);
    return event;
  });

/** Parses and, when it parses, classifies; fails the property if either throws or answers out of shape. */
function neverThrows(input: unknown): void {
  const parsed = parseTrigger(input);
  expect(typeof parsed.ok).toBe('boolean');
  if (!parsed.ok) {
    expect(parsed.issues.length).toBeGreaterThan(0);
    for (const issue of parsed.issues) expect(typeof issue).toBe('string');
    // The catch-all is for inputs that throw when read; a plain value must be judged by the schemas.
    expect(parsed.issues.join('\n')).not.toMatch(/^unreadable input/m);
    expect(parsed.id === undefined || typeof parsed.id === 'string').toBe(true);
    return;
  }
  const classification = classify(parsed.event);
  expect(typeof classification.relevant).toBe('boolean');
  expect(typeof classification.reason).toBe('string');
}

describe('parseTrigger and classify never throw', () => {
  it('on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), neverThrows), { numRuns: 500 });
  });

  it('on arbitrary values', () => {
    fc.assert(fc.property(anything, neverThrows), { numRuns: 300 });
  });

  it('on real samples with anything inserted, replaced or removed at any path', () => {
    fc.assert(fc.property(mutatedSample, neverThrows), { numRuns: 500 });
  });

  it('on real samples with any value in a field that is used', () => {
    fc.assert(fc.property(mutatedUsedField, neverThrows), { numRuns: 1000 });
  });

  it('on IAM calls with crafted parameters and responses', () => {
    fc.assert(fc.property(craftedIamCall, neverThrows), { numRuns: 500 });
  });

  it('on inputs whose fields throw when read', () => {
    const hostile = new Proxy(sample('scheduled-event.json'), {
      get() {
        throw new Error('boom');
      },
      ownKeys() {
        throw new Error('boom');
      },
    });

    const parsed = parseTrigger(hostile);

    expect(parsed).toMatchObject({ ok: false, issues: [expect.stringMatching(/boom/)] });
  });
});

/*
 * Bounds on what an event may carry (the README's table). Identifiers that cannot be valid are refused as malformed;
 * free text only shown to people is clipped to its bound with a visible ellipsis, so an odd but real event is still
 * handled. The numbers are written out here on purpose: this is the specification the schemas are held to.
 */
describe('parseTrigger: bounds', () => {
  /** EventBridge counts at most 256 KiB towards an entry; the envelope around it adds a few hundred bytes. */
  const MAX_EVENT_BYTES = 256 * 1024 + 1024;
  const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
  const accepted = (input: unknown) => {
    const parsed = parseTrigger(input);
    if (!parsed.ok) throw new Error(`expected the input to be accepted: ${parsed.issues.join('; ')}`);
    return parsed.event;
  };
  const identityOf = (event: Json) => detailOf(event).userIdentity as Json;
  /** `us-aaaa…-1`: a Region code of exactly `length` characters. */
  const regionOf = (length: number) => `us-${'a'.repeat(length - 5)}-1`;
  /** An ISO 8601 time of exactly `length` characters (fractional seconds are unbounded in ISO 8601). */
  const timeOf = (length: number) => `2025-03-14T10:15:53.${'1'.repeat(length - 21)}Z`;
  /** A valid replication rule list with `rules` rules of `destinations` destinations and `filters` filters. */
  const rulesOf = (rules: number, destinations = 1, filters = 0) =>
    Array.from({ length: rules }, () => ({
      destinations: Array.from({ length: destinations }, () => ({
        region: 'eu-west-1',
        registryId: '123456789012',
      })),
      ...(filters > 0
        ? {
            repositoryFilters: Array.from({ length: filters }, (_, i) => ({
              filter: `team-${i}`,
              filterType: 'PREFIX_MATCH',
            })),
          }
        : {}),
    }));

  it('refuses an eventID of 3,000 characters as malformed, naming the field and its bound', () => {
    const event = sample('iam-delete-service-linked-role.json');
    detailOf(event).eventID = 'e'.repeat(3000);

    const parsed = issuesOf(event);

    expect(parsed.id).toBe(event.id);
    expect(parsed.issues).toEqual([expect.stringMatching(/^detail\.eventID: .*128/)]);
  });

  it('refuses an envelope id of 3,000 characters, and does not repeat it', () => {
    const event = sample('scheduled-event.json');
    event.id = 'i'.repeat(3000);

    const parsed = issuesOf(event);

    expect(parsed.id).toBeUndefined();
    expect(parsed.issues).toEqual([expect.stringMatching(/^id: .*128/)]);
  });

  it('clips a 200 KB actorArn to 2,048 characters with a visible ellipsis and still handles the event', () => {
    const event = sample('iam-delete-service-linked-role.json');
    const arn = `arn:aws:sts::123456789012:assumed-role/Admin/${'a'.repeat(200_000)}`;
    identityOf(event).arn = arn;

    const parsed = accepted(event);
    const classification = classify(parsed);

    const clipped = parsed.shape === 'cloudtrail' ? parsed.detail.userIdentity?.arn : undefined;
    expect(clipped).toHaveLength(2048);
    expect(clipped).toBe(`${arn.slice(0, 2047)}…`);
    expect(classification).toMatchObject({
      relevant: true,
      trigger: { kind: 'role-change', context: { actorArn: clipped } },
    });
  });

  it("refuses a 600 KB actorArn: the event is over EventBridge's 256 KB", () => {
    const event = sample('iam-delete-service-linked-role.json');
    identityOf(event).arn = `arn:aws:sts::123456789012:assumed-role/Admin/${'a'.repeat(600_000)}`;

    const parsed = issuesOf(event);

    expect(parsed.id).toBe(event.id);
    expect(parsed.issues).toEqual([expect.stringMatching(/^\(event\): .*256 KiB/)]);
  });

  it('refuses an event over 256 KB as malformed before reading its details, keeping its id', () => {
    const event = sample('ecr-put-replication-configuration.json');
    event.padding = 'p'.repeat(300_000);
    delete detailOf(event).eventName;

    const parsed = issuesOf(event);

    expect(parsed.id).toBe(event.id);
    expect(parsed.issues).toEqual([expect.stringMatching(/^\(event\): .*256 KiB/)]);
  });

  it('accepts an event of exactly the largest size and refuses one byte more', () => {
    const event = sample('ecr-put-replication-configuration.json');
    detailOf(event).padding = '';
    detailOf(event).padding = 'p'.repeat(MAX_EVENT_BYTES - jsonBytes(event));
    expect(jsonBytes(event)).toBe(MAX_EVENT_BYTES);

    expect(parseTrigger(event).ok).toBe(true);

    detailOf(event).padding += 'p';
    expect(issuesOf(event).issues).toEqual([expect.stringMatching(/^\(event\): /)]);
  });

  it('counts the size in UTF-8 bytes, as EventBridge does', () => {
    const event = sample('ecr-put-replication-configuration.json');
    // 3 bytes each in UTF-8: 100,000 characters are 300,000 bytes.
    detailOf(event).note = '€'.repeat(100_000);

    expect(issuesOf(event).issues).toEqual([expect.stringMatching(/^\(event\): /)]);
  });

  type Edge = [
    name: string,
    file: string,
    set: (event: Json, value: unknown) => void,
    value: (length: number) => unknown,
    max: number,
    issue: RegExp,
  ];

  it.each<Edge>([
    [
      'detail.eventID',
      'iam-delete-service-linked-role.json',
      (event, value) => (detailOf(event).eventID = value),
      (n) => 'e'.repeat(n),
      128,
      /^detail\.eventID: .*128/,
    ],
    [
      'id',
      'scheduled-event.json',
      (event, value) => (event.id = value),
      (n) => 'i'.repeat(n),
      128,
      /^id: .*128/,
    ],
    [
      'detail.eventName',
      'ecr-create-repository.json',
      (event, value) => (detailOf(event).eventName = value),
      (n) => 'N'.repeat(n),
      128,
      /^detail\.eventName: .*128/,
    ],
    [
      'detail.eventSource',
      'ecr-create-repository.json',
      (event, value) => (detailOf(event).eventSource = value),
      (n) => `${'s'.repeat(n - 14)}.amazonaws.com`,
      256,
      /^detail\.eventSource: .*256/,
    ],
    [
      'detail.awsRegion',
      'ecr-put-replication-configuration.json',
      (event, value) => (detailOf(event).awsRegion = value),
      regionOf,
      32,
      /^detail\.awsRegion: .*32/,
    ],
    [
      'region',
      'scheduled-event.json',
      (event, value) => (event.region = value),
      regionOf,
      32,
      /^region: .*32/,
    ],
    [
      'detail.regionName',
      'account-region-opt-in.json',
      (event, value) => (detailOf(event).regionName = value),
      regionOf,
      32,
      /^detail\.regionName: .*32/,
    ],
    [
      'detail.status',
      'account-region-opt-in.json',
      (event, value) => (detailOf(event).status = value),
      (n) => 'E'.repeat(n),
      64,
      /^detail\.status: .*64/,
    ],
    [
      'detail.eventTime',
      'iam-delete-role.json',
      (event, value) => (detailOf(event).eventTime = value),
      timeOf,
      64,
      /^detail\.eventTime: .*64/,
    ],
    ['time', 'scheduled-event.json', (event, value) => (event.time = value), timeOf, 64, /^time: .*64/],
    [
      'source',
      'scheduled-event.json',
      (event, value) => (event.source = value),
      (n) => `custom.${'s'.repeat(n - 7)}`,
      256,
      /^source: .*256/,
    ],
    [
      'detail-type',
      'scheduled-event.json',
      (event, value) => (event['detail-type'] = value),
      (n) => 'D'.repeat(n),
      128,
      /^detail-type: .*128/,
    ],
    [
      'version',
      'scheduled-event.json',
      (event, value) => (event.version = value),
      (n) => '0'.repeat(n),
      16,
      /^version: .*16/,
    ],
    [
      'resources[0]',
      'scheduled-event.json',
      (event, value) => (event.resources = [value]),
      (n) => `arn:aws:events:us-east-1:123456789012:rule/${'r'.repeat(n - 43)}`,
      2048,
      /^resources\[0\]: .*2048/,
    ],
    [
      'resources (count)',
      'scheduled-event.json',
      (event, value) => (event.resources = value),
      (n) => Array.from({ length: n }, (_, i) => `arn:aws:events:us-east-1:123456789012:rule/r-${i}`),
      100,
      /^resources: .*100/,
    ],
    [
      'roleName of a successful IAM call',
      'iam-delete-role.json',
      (event, value) => ((detailOf(event).requestParameters as Json).roleName = value),
      (n) => 'r'.repeat(n),
      64,
      /^detail\.requestParameters\.roleName: .*64/,
    ],
    [
      'aWSServiceName of a successful IAM call',
      'iam-create-service-linked-role.json',
      (event, value) => ((detailOf(event).requestParameters as Json).aWSServiceName = value),
      (n) => `${'s'.repeat(n - 14)}.amazonaws.com`,
      128,
      /^detail\.requestParameters\.aWSServiceName: .*128/,
    ],
    [
      'deletionTaskId',
      'iam-delete-service-linked-role.json',
      (event, value) => ((detailOf(event).responseElements as Json).deletionTaskId = value),
      (n) => `task/aws-service-role/replication.ecr.amazonaws.com/${'t'.repeat(n - 52)}`,
      1000,
      /^detail\.responseElements\.deletionTaskId: .*1000/,
    ],
    [
      'replication rules',
      'ecr-put-replication-configuration.json',
      (event, value) =>
        ((
          detailOf(event).requestParameters as { replicationConfiguration: Json }
        ).replicationConfiguration.rules = value),
      (n) => rulesOf(n),
      25,
      /^detail\.requestParameters\.replicationConfiguration\.rules: .*25/,
    ],
    [
      'destinations of a replication rule',
      'ecr-put-replication-configuration.json',
      (event, value) =>
        ((
          detailOf(event).responseElements as { replicationConfiguration: Json }
        ).replicationConfiguration.rules = value),
      (n) => rulesOf(1, n),
      100,
      /^detail\.responseElements\.replicationConfiguration\.rules\[0\]\.destinations: .*100/,
    ],
    [
      'repository filters of a replication rule',
      'ecr-put-replication-configuration.json',
      (event, value) =>
        ((
          detailOf(event).requestParameters as { replicationConfiguration: Json }
        ).replicationConfiguration.rules = value),
      (n) => rulesOf(1, 1, n),
      100,
      /^detail\.requestParameters\.replicationConfiguration\.rules\[0\]\.repositoryFilters: .*100/,
    ],
  ])('accepts %s at its bound and refuses one more as malformed', (_name, file, set, value, max, issue) => {
    const atBound = sample(file);
    set(atBound, value(max));
    const overBound = sample(file);
    set(overBound, value(max + 1));

    expect(parseTrigger(atBound)).toMatchObject({ ok: true });
    expect(issuesOf(overBound).issues).toEqual([expect.stringMatching(issue)]);
  });

  it('does not refuse a failed IAM call for a role name IAM refused', () => {
    const event = sample('iam-delete-role-failed.json');
    (detailOf(event).requestParameters as Json).roleName = 'r'.repeat(3000);

    expect(parseTrigger(event)).toMatchObject({ ok: true });
  });

  it('does not refuse a failed PutReplicationConfiguration for rules ECR refused', () => {
    const event = sample('ecr-put-replication-configuration-failed.json');
    (detailOf(event).requestParameters as Json).replicationConfiguration = { rules: rulesOf(30, 101) };

    expect(parseTrigger(event)).toMatchObject({ ok: true });
  });

  it.each<[string, string, (event: Json) => Json, string, number]>([
    ['userIdentity.arn', 'iam-delete-role.json', (event) => identityOf(event), 'arn', 2048],
    ['sourceIPAddress', 'iam-delete-role.json', (event) => detailOf(event), 'sourceIPAddress', 256],
    ['userAgent', 'iam-delete-role.json', (event) => detailOf(event), 'userAgent', 1024],
    ['errorCode', 'iam-delete-role-failed.json', (event) => detailOf(event), 'errorCode', 128],
    ['errorMessage', 'iam-delete-role-failed.json', (event) => detailOf(event), 'errorMessage', 1024],
    ['userIdentity.type', 'iam-delete-role.json', (event) => identityOf(event), 'type', 64],
    ['userIdentity.accountId', 'iam-delete-role.json', (event) => identityOf(event), 'accountId', 64],
    ['userIdentity.invokedBy', 'iam-delete-role.json', (event) => identityOf(event), 'invokedBy', 256],
  ])('keeps %s at its bound and clips one more with a visible ellipsis', (_name, file, holder, key, max) => {
    const text = (length: number) => `${'x'.repeat(length - 2)}é.`;
    const atBound = sample(file);
    holder(atBound)[key] = text(max);
    const overBound = sample(file);
    holder(overBound)[key] = text(max + 1);

    const kept = accepted(atBound);
    const clipped = accepted(overBound);

    const valueIn = (event: unknown) => holder(event as Json)[key];
    expect(valueIn(kept)).toBe(text(max));
    expect(valueIn(clipped)).toBe(`${text(max + 1).slice(0, max - 1)}…`);
    expect(valueIn(clipped)).toHaveLength(max);
  });

  it('clips without splitting a character outside the Basic Multilingual Plane', () => {
    const event = sample('iam-delete-role.json');
    detailOf(event).userAgent = `${'a'.repeat(1022)}😀😀`;

    const parsed = accepted(event);

    const agent = parsed.shape === 'cloudtrail' ? (parsed.detail.userAgent ?? '') : '';
    expect(agent).toBe(`${'a'.repeat(1022)}…`);
    expect(agent).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('reads a value nested 100,000 deep without overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const event = sample('iam-delete-role.json');
    (detailOf(event).requestParameters as Json).deep = deep;
    const huge = sample('iam-delete-role.json');
    for (let i = 0; i < 100_000; i++) deep = [deep];
    (detailOf(huge).requestParameters as Json).deep = deep;

    expect(parseTrigger(event)).toMatchObject({ ok: true });
    expect(issuesOf(huge).issues).toEqual([expect.stringMatching(/^\(event\): /)]);
  });

  it('bounds every issue it reports, whatever the input', () => {
    const event = sample('iam-delete-role.json');
    detailOf(event).eventName = { ['k'.repeat(100_000)]: 'v'.repeat(100_000) };
    event['x'.repeat(50_000)] = 1;

    const parsed = issuesOf(event);

    for (const issue of parsed.issues) expect(issue.length).toBeLessThanOrEqual(512);
  });
});
