import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_SAMPLES, loadEventSample } from '../../events/index.js';
import { classify, ROLE_EVENT_NAMES } from '../../functions/core/classify.js';
import { parseTrigger } from '../../functions/handlers/schemas.js';

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
