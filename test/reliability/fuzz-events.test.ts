import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEventSample } from '../../events/index.js';
import {
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackMessage,
} from '../../functions/adapters/slack/message.js';
import { CHAT_MESSAGE_MAX_BYTES, renderChatMessage } from '../../functions/adapters/sns/chat-message.js';
import { chatMessageAttributes } from '../../functions/adapters/sns/message-attributes.js';
import { chatSubject } from '../../functions/adapters/sns/subject.js';
import { MalformedEventError } from '../../functions/app/event/handle-event.js';
import { parseTrigger } from '../../functions/app/event/parse.js';
import { createTelemetry } from '../../functions/app/telemetry.js';
import type { Notification, TriggerContext } from '../../functions/core/alert-types.js';
import { type Classification, classify } from '../../functions/core/classify.js';
import { EVENT_LIMITS, EVENT_TEXT_LIMITS } from '../../functions/core/event-bounds.js';
import { reconcileReport } from '../../functions/core/rule.js';
import type { Finding } from '../../functions/core/types.js';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  REGION_OPT_IN_DETAIL_TYPE,
  ROLE_EVENT_NAMES,
  SCHEDULE_DETAIL_TYPE,
} from '../../functions/core/watched-events.js';
import type { ReconcileLog } from '../../functions/reconcile/reconcile.js';
import { EVENT_SAMPLES } from '../events/sample-expectations.js';
import { accountRead, OBSERVED_AT, registry, role } from '../support/reads.js';

/*
 * Fuzzing the event path: parse → classify (→ the log lines the handler writes, → the chat and Slack messages an
 * event's trigger context ends up in). Inputs start from every sample event and are mutated (fields dropped, wrong
 * types, huge strings up to 600 KB, unicode and lone surrogates, null, deeply nested junk, arrays for objects,
 * duplicate keys written as JSON text, numbers as strings and back, unknown fields), plus fully random JSON and random
 * events built field by field. For every input:
 * - nothing is thrown but MalformedEventError, and what it lists is bounded;
 * - parsing and classifying twice gives the same answer;
 * - an accepted event gives bounded outputs: every trigger context field within its bound, a DynamoDB key within 2048
 *   bytes, log lines under 16 KiB, an SNS publish under 256 KiB, a Slack payload within Block Kit's limits.
 *
 * Bounded by the number of runs, never by time: FUZZ_RUNS (default 600) inputs in all, split across the families
 * below; FUZZ_SEED replays a run. `npm run fuzz` runs the same file with many more.
 */

const RUNS = positive(process.env.FUZZ_RUNS, 600);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** A hang guard for the whole property, not a bound on it: the runs bound it. */
const TIMEOUT_MS = 60_000 + RUNS * 25;

// Outputs' limits.
/** SNS refuses a publish over 256 KiB, message attributes and subject included. */
const SNS_MAX_BYTES = 256 * 1024;
/** Slack truncates `text` past 40,000 characters; a whole payload is kept under that too. */
const SLACK_MAX_CHARS = 40_000;
/**
 * [OBS] chat.postMessage answers `msg_blocks_too_long` past about 13,200 characters of block text in all, though no
 * documented limit is reached (slackapi/bolt-js#2509): a message about one event stays well under it.
 */
const SLACK_BLOCK_TEXT_MAX = 12_000;
/** A log line the handler writes about one event. */
const LOG_LINE_MAX_BYTES = 16 * 1024;
/** DynamoDB's partition key limit, for `EVENT#recheck:<eventId>`. */
const DYNAMODB_KEY_MAX_BYTES = 2048;
const ISSUES_MAX = 11;
const ISSUE_MAX_CHARS = 300;
const REASON_MAX_CHARS = 512;

const CONTEXT_BOUNDS: Readonly<Record<keyof TriggerContext, number>> = {
  eventId: EVENT_LIMITS.eventId,
  eventName: EVENT_LIMITS.eventName,
  eventTime: EVENT_LIMITS.time,
  eventSource: EVENT_LIMITS.eventSource,
  awsRegion: EVENT_LIMITS.region,
  actorArn: EVENT_TEXT_LIMITS.actorArn,
  sourceIPAddress: EVENT_TEXT_LIMITS.sourceIPAddress,
  userAgent: EVENT_TEXT_LIMITS.userAgent,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Path = (string | number)[];

const samples: Json[] = EVENT_SAMPLES.map((sample) => loadEventSample(sample.file) as Json);
const readable: JsonObject[] = EVENT_SAMPLES.filter((sample) => !sample.malformed).map(
  (sample) => loadEventSample(sample.file) as JsonObject,
);

/** A real finding, as the rule produces it: the fixed part of every message rendered here. */
const FINDING: Finding = (() => {
  const report = reconcileReport(accountRead([registry.replicating('us-west-2')], role.absent()));
  const finding = report.findings.find((candidate) => candidate.code === 'ROLE_MISSING');
  if (!finding) throw new Error('expected ROLE_MISSING');
  return finding;
})();

// ————————————————————————————————————————— the handler's first steps, observed

const lines: string[] = [];
const log: ReconcileLog = {
  info: (message, extra) => void lines.push(JSON.stringify({ level: 'info', message, ...extra })),
  warn: (message, extra) => void lines.push(JSON.stringify({ level: 'warn', message, ...extra })),
  error: (message, extra) => void lines.push(JSON.stringify({ level: 'error', message, ...extra })),
};
const telemetry = createTelemetry(log, { count: () => {} });

type Outcome =
  | { readonly handled: false; readonly thrown: unknown; readonly lines: string[] }
  | {
      readonly handled: true;
      readonly account: string;
      readonly classification: Classification;
      readonly summary: string;
      readonly lines: string[];
    };

/** What `handleEvent` does before it reconciles: parse, log, throw MalformedEventError or classify and log. */
function handle(input: unknown): Outcome {
  lines.length = 0;
  try {
    const parsed = parseTrigger(input);
    if (!parsed.ok) {
      telemetry.malformed(parsed.id, parsed.issues);
      throw new MalformedEventError(parsed.id, parsed.issues);
    }
    const classification = classify(parsed.event);
    if (classification.relevant) telemetry.relevant(classification.trigger, classification.reason);
    else telemetry.ignored(classification, parsed.event.id);
    const summary = JSON.stringify({ event: parsed.event, classification });
    return { handled: true, account: parsed.event.account, classification, summary, lines: [...lines] };
  } catch (thrown) {
    return { handled: false, thrown, lines: [...lines] };
  }
}

const stats = {
  inputs: 0,
  malformed: 0,
  relevant: 0,
  ignored: 0,
  rendered: 0,
  maxSnsBytes: 0,
  maxSlackChars: 0,
  maxLogLineBytes: 0,
};

/** The property: every assertion of the header comment, for one input. */
function check(input: unknown): void {
  stats.inputs++;
  const first = handle(input);
  const second = handle(input);

  for (const line of first.lines) {
    const bytes = Buffer.byteLength(line, 'utf8');
    stats.maxLogLineBytes = Math.max(stats.maxLogLineBytes, bytes);
    expect(bytes, `log line: ${line.slice(0, 200)}`).toBeLessThan(LOG_LINE_MAX_BYTES);
  }

  if (!first.handled) {
    stats.malformed++;
    expect(first.thrown).toBeInstanceOf(MalformedEventError);
    const error = first.thrown as MalformedEventError;
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues.length).toBeLessThanOrEqual(ISSUES_MAX);
    for (const issue of error.issues) {
      expect(typeof issue).toBe('string');
      expect(issue.length).toBeLessThanOrEqual(ISSUE_MAX_CHARS);
    }
    if (error.eventId !== undefined) expect(error.eventId.length).toBeLessThanOrEqual(EVENT_LIMITS.eventId);
    expect(second.handled, 'the same input, parsed again, is accepted').toBe(false);
    if (!second.handled) expect((second.thrown as MalformedEventError).message).toBe(error.message);
    return;
  }

  expect(second.handled, 'the same input, parsed again, is refused').toBe(true);
  if (second.handled) expect(second.summary).toBe(first.summary);

  const { classification, account } = first;
  expect(classification.reason.length).toBeLessThanOrEqual(REASON_MAX_CHARS);
  if (!classification.relevant) {
    stats.ignored++;
    if (classification.attempt) {
      const { errorCode, ...context } = classification.attempt;
      expect(errorCode.length).toBeLessThanOrEqual(EVENT_TEXT_LIMITS.errorCode);
      checkContext(context);
      checkMessages(account, context);
    }
    return;
  }
  stats.relevant++;
  const { trigger } = classification;
  expect(trigger.eventId.length).toBeLessThanOrEqual(EVENT_LIMITS.eventId);
  expect(Buffer.byteLength(`EVENT#recheck:${trigger.eventId}`, 'utf8')).toBeLessThanOrEqual(
    DYNAMODB_KEY_MAX_BYTES,
  );
  expect(trigger.time.length).toBeLessThanOrEqual(EVENT_LIMITS.time);
  switch (trigger.kind) {
    case 'region-opt-in':
      expect(trigger.region.length).toBeLessThanOrEqual(EVENT_LIMITS.region);
      expect(trigger.status.length).toBeLessThanOrEqual(EVENT_LIMITS.optInStatus);
      break;
    case 'replication-change':
      expect(trigger.region.length).toBeLessThanOrEqual(EVENT_LIMITS.region);
      checkContext(trigger.context);
      checkMessages(account, trigger.context);
      break;
    case 'role-change':
      expect(trigger.eventName.length).toBeLessThanOrEqual(EVENT_LIMITS.eventName);
      expect((trigger.deletionTaskId ?? '').length).toBeLessThanOrEqual(EVENT_LIMITS.deletionTaskId);
      checkContext(trigger.context);
      checkMessages(account, trigger.context);
      break;
    case 'schedule':
      break;
  }
}

function checkContext(context: TriggerContext): void {
  for (const [key, value] of Object.entries(context)) {
    const bound = CONTEXT_BOUNDS[key as keyof TriggerContext];
    expect(bound, `unexpected trigger context field ${key}`).toBeDefined();
    if (typeof value === 'string') expect(value.length, key).toBeLessThanOrEqual(bound);
  }
}

/** The chat (SNS) and Slack messages of a fixed finding carrying this trigger context, opened and resolved. */
function checkMessages(account: string, trigger: TriggerContext): void {
  stats.rendered++;
  for (const transition of ['opened', 'resolved'] as const) {
    const notification: Notification = {
      transition,
      account,
      finding: FINDING,
      observedAt: OBSERVED_AT,
      trigger,
    };

    const message = renderChatMessage(notification);
    const attributes = chatMessageAttributes(notification);
    const snsBytes =
      Buffer.byteLength(JSON.stringify(message), 'utf8') +
      Buffer.byteLength(chatSubject(notification), 'utf8') +
      Object.entries(attributes).reduce(
        (sum, [name, value]) => sum + Buffer.byteLength(name + value.DataType + value.StringValue, 'utf8'),
        0,
      );
    stats.maxSnsBytes = Math.max(stats.maxSnsBytes, snsBytes);
    expect(snsBytes).toBeLessThan(SNS_MAX_BYTES);
    expect(Buffer.byteLength(JSON.stringify(message), 'utf8')).toBeLessThanOrEqual(CHAT_MESSAGE_MAX_BYTES);
    // The trigger never crowds the finding out of the message.
    expect(message.metadata.additionalContext).not.toHaveProperty('evidenceTruncated');

    const slack = renderSlackMessage(notification);
    const slackChars = JSON.stringify(slack).length;
    stats.maxSlackChars = Math.max(stats.maxSlackChars, slackChars);
    expect(slackChars).toBeLessThan(SLACK_MAX_CHARS);
    checkBlockKit(slack);
  }
}

/** Block Kit's documented limits, and the observed limit on all block text. */
function checkBlockKit(message: SlackMessage): void {
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  let total = 0;
  for (const block of message.blocks) {
    if (block.type === 'header') {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      total += block.text.text.length;
    } else if (block.type === 'section' && 'text' in block) {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      total += block.text.text.length;
    } else if (block.type === 'section') {
      expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields) {
        expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        total += field.text.length;
      }
    } else if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const element of block.elements) {
        expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
        total += element.text.length;
      }
    }
  }
  expect(total).toBeLessThanOrEqual(SLACK_BLOCK_TEXT_MAX);
}

// ————————————————————————————————————————— values

/** A string of `length` copies of one character: cheap to make, however long. */
const hugeString = fc
  .record({
    unit: fc.constantFrom('a', 'é', '€', '😀', '\u0000', '"', '\\', '<', '&', ':', ' ', '\ud800'),
    length: fc.oneof(
      fc.integer({ min: 129, max: 5_000 }),
      fc.integer({ min: 60_000, max: 270_000 }),
      fc.integer({ min: 270_000, max: 600_000 }),
      fc.constantFrom(256 * 1024, 256 * 1024 + 1024, 256 * 1024 + 1025),
    ),
  })
  .map(({ unit, length }) => unit.repeat(Math.ceil(length / unit.length)));

/** Any code point (fast-check's own `binary` unit costs a second to build). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

const loneSurrogates = fc
  .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 8 })
  .map((codes) => String.fromCharCode(...codes));

/**
 * Nested arrays or objects, `depth` deep, built without recursion. At most 1,000 deep: fast-check prints a failing
 * value recursively, and deeper would overflow the stack while reporting (parsing is checked 100,000 deep in
 * test/handlers/schemas.test.ts).
 */
const deepJunk = fc
  .record({ depth: fc.integer({ min: 1, max: 1_000 }), asArray: fc.boolean() })
  .map(({ depth, asArray }) => {
    let value: Json = 'bottom';
    for (let i = 0; i < depth; i++) value = asArray ? [value] : { nested: value };
    return value;
  });

const numberAsString = fc
  .oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))
  .map(String);

/** Anything JSON can hold that a field should not: wrong types, odd text, huge and deep values. */
const junk: fc.Arbitrary<Json> = fc.oneof(
  {
    arbitrary: fc.constantFrom<Json>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      '',
      ' ',
      '0',
      'null',
      '[]',
      {},
      [],
      [null],
    ),
    weight: 4,
  },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: anyCodePoint, maxLength: 40 }), weight: 1 },
  { arbitrary: loneSurrogates, weight: 1 },
  { arbitrary: numberAsString, weight: 1 },
  { arbitrary: hugeString, weight: 2 },
  { arbitrary: deepJunk, weight: 1 },
  { arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 5 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, weight: 2 },
);

const KEYS = [
  ...['__proto__', 'constructor', 'toString', 'shape', 'id', 'detail', 'eventID', 'eventName', 'eventSource'],
  ...[
    'errorCode',
    'roleName',
    'RoleName',
    'aWSServiceName',
    'deletionTaskId',
    'userIdentity',
    'arn',
    'rules',
  ],
];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 }), hugeString);

// ————————————————————————————————————————— family 1: samples with structural mutations

/** Every path to a value in a JSON tree, the root left out. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, name]));
  }
  return paths;
}

const samplePaths = samples.map((sample) => pathsOf(sample));

type Mutation =
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: Json }
  | { readonly kind: 'insert'; readonly at: number; readonly key: string; readonly value: Json }
  | { readonly kind: 'wrap'; readonly at: number }
  | { readonly kind: 'values'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: junk }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), key, value: junk }),
  fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('values' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat() }),
);

/** The parent of `path` in `root` and the last step, when the path still leads somewhere. */
function locate(root: Json, path: Path): { parent: JsonObject | Json[]; last: string | number } | undefined {
  let parent: Json = root;
  for (const step of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return undefined;
    parent = (parent as Record<string | number, Json>)[step] ?? null;
  }
  if (parent === null || typeof parent !== 'object') return undefined;
  return { parent, last: path.at(-1) as string | number };
}

/** An own property, as JSON.parse makes it, even for `__proto__`. */
function setOwn(target: JsonObject | Json[], name: string | number, value: Json): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function applyMutation(root: Json, paths: Path[], change: Mutation): Json {
  const path = paths[change.at % paths.length];
  if (!path) return root;
  const place = locate(root, path);
  if (!place) return root;
  const { parent, last } = place;
  const current = (parent as Record<string | number, Json>)[last] ?? null;
  switch (change.kind) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'replace':
      setOwn(parent, last, change.value);
      break;
    case 'insert':
      if (Array.isArray(parent)) parent.splice(Number(last), 0, change.value);
      else setOwn(parent, change.key, change.value);
      break;
    case 'wrap':
      setOwn(parent, last, [current]);
      break;
    case 'values':
      if (current !== null && typeof current === 'object') setOwn(parent, last, Object.values(current));
      break;
    case 'flip':
      if (typeof current === 'number') setOwn(parent, last, String(current));
      else if (typeof current === 'string' && current.trim() !== '' && Number.isFinite(Number(current)))
        setOwn(parent, last, Number(current));
      else if (typeof current === 'boolean') setOwn(parent, last, String(current));
      break;
  }
  return root;
}

const mutatedSample: fc.Arbitrary<Json> = fc
  .record({
    index: fc.nat({ max: samples.length - 1 }),
    changes: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  })
  .map(({ index, changes }) => {
    let root = structuredClone(samples[index] as Json);
    for (const change of changes) root = applyMutation(root, samplePaths[index] ?? [], change);
    return root;
  });

// ————————————————————————————————————————— family 2: odd values where they flow out

/** The fields that reach logs, messages and keys, or that classification reads. */
const TARGETS: Path[] = [
  ['id'],
  ['account'],
  ['time'],
  ['region'],
  ['source'],
  ['detail-type'],
  ['version'],
  ['resources', 0],
  ['detail', 'eventID'],
  ['detail', 'eventName'],
  ['detail', 'eventSource'],
  ['detail', 'eventTime'],
  ['detail', 'awsRegion'],
  ['detail', 'errorCode'],
  ['detail', 'errorMessage'],
  ['detail', 'sourceIPAddress'],
  ['detail', 'userAgent'],
  ['detail', 'userIdentity', 'arn'],
  ['detail', 'userIdentity', 'type'],
  ['detail', 'userIdentity', 'invokedBy'],
  ['detail', 'requestParameters', 'roleName'],
  ['detail', 'requestParameters', 'aWSServiceName'],
  ['detail', 'responseElements', 'deletionTaskId'],
  ['detail', 'requestParameters', 'replicationConfiguration', 'rules'],
  ['detail', 'regionName'],
  ['detail', 'status'],
];

/** Values just inside and just outside each bound, and far outside. */
const oddText: fc.Arbitrary<Json> = fc.oneof(
  hugeString,
  fc
    .integer({ min: 0, max: 2_100 })
    .chain((length) => fc.constantFrom('x', 'é', '😀', '-', '1').map((unit) => unit.repeat(length))),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  loneSurrogates,
  junk,
);

const targetedSample: fc.Arbitrary<Json> = fc
  .record({
    index: fc.nat({ max: readable.length - 1 }),
    target: fc.constantFrom(...TARGETS),
    value: oddText,
  })
  .map(({ index, target, value }) => {
    const root = structuredClone(readable[index] as Json);
    const place = locate(root, target);
    if (place) setOwn(place.parent, place.last, value);
    return root;
  });

// ————————————————————————————————————————— family 3: JSON text with duplicate keys, numbers as strings

/** JSON text of `value`, with one more `"key": value` pair written before or after those of the object at `at`. */
function writeJson(value: Json, extra: { at: Path; key: string; value: Json; after: boolean }): string {
  const write = (item: Json, path: Path): string => {
    // Only the objects on the way to `at` are written here (a deep value elsewhere is left to JSON.stringify).
    const onTheWay = path.length <= extra.at.length && path.every((step, index) => step === extra.at[index]);
    if (item === null || typeof item !== 'object' || !onTheWay) return JSON.stringify(item);
    if (Array.isArray(item))
      return `[${item.map((child, index) => write(child, [...path, index])).join(',')}]`;
    const pairs = Object.entries(item).map(
      ([name, child]) => `${JSON.stringify(name)}:${write(child, [...path, name])}`,
    );
    if (path.length === extra.at.length && path.every((step, index) => step === extra.at[index])) {
      const pair = `${JSON.stringify(extra.key)}:${JSON.stringify(extra.value)}`;
      if (extra.after) pairs.push(pair);
      else pairs.unshift(pair);
    }
    return `{${pairs.join(',')}}`;
  };
  return write(value, []);
}

/** Object paths of a sample, the root included: where a duplicate key can be written. */
const objectPaths = samples.map((sample) => [
  [] as Path,
  ...pathsOf(sample).filter((path) => {
    const place = locate(sample, path);
    const value = place ? (place.parent as Record<string | number, Json>)[place.last] : undefined;
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }),
]);

const duplicateKeys: fc.Arbitrary<Json> = fc
  .record({
    index: fc.nat({ max: samples.length - 1 }),
    at: fc.nat(),
    key,
    existing: fc.boolean(),
    value: fc.oneof(junk, oddText),
    after: fc.boolean(),
    changes: fc.array(mutation, { maxLength: 2 }),
  })
  .map(({ index, at, key: name, existing, value, after, changes }) => {
    let root = structuredClone(samples[index] as Json);
    for (const change of changes) root = applyMutation(root, samplePaths[index] ?? [], change);
    const paths = objectPaths[index] ?? [[]];
    const path = paths[at % paths.length] ?? [];
    const place = path.length > 0 ? locate(root, path) : undefined;
    const target =
      path.length === 0 ? root : place ? (place.parent as Record<string | number, Json>)[place.last] : null;
    const keys =
      target !== null && typeof target === 'object' && !Array.isArray(target) ? Object.keys(target) : [];
    const duplicated = existing && keys.length > 0 ? (keys[at % keys.length] as string) : name;
    return JSON.parse(writeJson(root, { at: path, key: duplicated, value, after })) as Json;
  });

/** Every number written as a string, and every numeric string as a number (`"account": 123456789012`). */
function flipAll(value: Json, numbersToText: boolean): Json {
  if (typeof value === 'number') return numbersToText ? String(value) : value;
  if (typeof value === 'string')
    return !numbersToText && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  if (Array.isArray(value)) return value.map((item) => flipAll(item, numbersToText));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, flipAll(item, numbersToText)]),
    );
  return value;
}

const numbersFlipped: fc.Arbitrary<Json> = fc
  .record({ index: fc.nat({ max: samples.length - 1 }), numbersToText: fc.boolean() })
  .map(({ index, numbersToText }) => flipAll(structuredClone(samples[index] as Json), numbersToText));

// ————————————————————————————————————————— family 4: random JSON, and random events field by field

const validOr = <T extends Json>(valid: fc.Arbitrary<T>): fc.Arbitrary<Json> =>
  fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: oddText, weight: 1 });

const isoTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const regionName = fc.constantFrom(
  'us-east-1',
  'eu-west-1',
  'ap-southeast-4',
  'us-gov-west-1',
  'eu-isoe-west-1',
);
const roleKey = fc.constantFrom('roleName', 'RoleName', 'rolename', 'aWSServiceName', 'awsServiceName');
const roleValue = fc.constantFrom(
  'AWSServiceRoleForECRReplication',
  'awsservicerolefor ecrreplication',
  'replication.ecr.amazonaws.com',
  'AWSServiceRoleForECRReplicationX',
);

const randomRecord = fc.record(
  {
    eventVersion: validOr(fc.constant('1.11')),
    eventID: validOr(fc.uuid()),
    eventName: validOr(fc.constantFrom(...ROLE_EVENT_NAMES, 'PutReplicationConfiguration', 'TagRole')),
    eventSource: validOr(fc.constantFrom('iam.amazonaws.com', 'ecr.amazonaws.com', 'sts.amazonaws.com')),
    eventTime: validOr(isoTime),
    awsRegion: validOr(regionName),
    errorCode: fc.option(validOr(fc.constantFrom('AccessDenied', 'UnmodifiableEntityException'))),
    errorMessage: fc.option(oddText),
    sourceIPAddress: fc.option(validOr(fc.ipV4())),
    userAgent: fc.option(validOr(fc.constant('aws-cli/2.22.35'))),
    userIdentity: fc.option(
      fc.record({
        type: validOr(fc.constant('AssumedRole')),
        arn: validOr(fc.constant('arn:aws:iam::1:role/x')),
      }),
    ),
    requestParameters: fc.option(
      fc.dictionary(fc.oneof(roleKey, fc.string({ maxLength: 8 })), fc.oneof(roleValue, oddText), {
        maxKeys: 4,
      }),
    ),
    responseElements: fc.option(
      fc.dictionary(fc.constantFrom('deletionTaskId', 'role'), oddText, { maxKeys: 2 }),
    ),
    regionName: validOr(regionName),
    status: validOr(fc.constantFrom('ENABLED', 'DISABLED')),
  },
  { requiredKeys: [] },
);

const randomEvent: fc.Arbitrary<Json> = fc.record(
  {
    version: validOr(fc.constant('0')),
    id: validOr(fc.uuid()),
    'detail-type': validOr(
      fc.constantFrom(CLOUDTRAIL_DETAIL_TYPE, SCHEDULE_DETAIL_TYPE, REGION_OPT_IN_DETAIL_TYPE, 'Other'),
    ),
    source: validOr(fc.constantFrom('aws.iam', 'aws.ecr', 'aws.events', 'aws.account', 'custom.app')),
    account: validOr(fc.stringMatching(/^\d{12}$/)),
    time: validOr(isoTime),
    region: validOr(regionName),
    resources: validOr(
      fc.array(fc.constant('arn:aws:events:us-east-1:123456789012:rule/x'), { maxLength: 2 }),
    ),
    detail: fc.oneof(
      { arbitrary: randomRecord as fc.Arbitrary<Json>, weight: 4 },
      { arbitrary: junk, weight: 1 },
    ),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Json>;

const randomJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 5 }) as fc.Arbitrary<Json>,
  fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as Json),
  randomEvent,
);

// ————————————————————————————————————————— the properties

/** How the runs are shared between the families (FUZZ_RUNS inputs in all). */
const FAMILIES: readonly { name: string; share: number; inputs: fc.Arbitrary<Json> }[] = [
  {
    name: 'samples with fields dropped, replaced, inserted, wrapped or flipped',
    share: 0.35,
    inputs: mutatedSample,
  },
  { name: 'samples with odd and huge values where fields flow out', share: 0.25, inputs: targetedSample },
  {
    name: 'samples written as JSON text with duplicate keys, or with numbers as strings',
    share: 0.15,
    inputs: fc.oneof({ arbitrary: duplicateKeys, weight: 3 }, { arbitrary: numbersFlipped, weight: 1 }),
  },
  { name: 'random JSON and random events', share: 0.25, inputs: randomJson },
];

describe(`fuzzing the event path (${RUNS} inputs${SEED === undefined ? '' : `, seed ${SEED}`})`, () => {
  for (const family of FAMILIES) {
    const numRuns = Math.max(1, Math.round(RUNS * family.share));
    it(
      `${family.name} (${numRuns} runs)`,
      () => {
        fc.assert(fc.property(family.inputs, check), {
          numRuns,
          ...(SEED === undefined ? {} : { seed: SEED }),
        });
      },
      TIMEOUT_MS,
    );
  }

  it('reaches both outcomes and renders messages', () => {
    expect(stats.malformed).toBeGreaterThan(0);
    expect(stats.relevant + stats.ignored).toBeGreaterThan(0);
  });

  afterAll(() => {
    if (process.env.FUZZ_RUNS !== undefined) console.log(`fuzz-events: ${JSON.stringify(stats)}`);
  });
});

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}
