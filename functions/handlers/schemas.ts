import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  ACCOUNT_SOURCE,
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_SOURCE,
  EVENT_ID_PATTERN,
  EVENT_LIMITS,
  EVENT_TEXT_LIMITS,
  IAM_EVENT_SOURCE,
  type ParsedEvent,
  REGION_OPT_IN_DETAIL_TYPE,
  REPLICATION_EVENT_NAME,
  SCHEDULE_DETAIL_TYPE,
  SCHEDULE_SOURCE,
} from '../core/classify.js';
import { cut } from '../core/text.js';

/*
 * Input schemas. Permissive on what is not used (unknown fields pass through untouched, so a new CloudTrail
 * `eventVersion` or an extra envelope field never breaks parsing); strict on what is used (types, non-empty ids,
 * timestamps, Region codes), so that classification never sees a value it cannot trust the type of.
 *
 * Bounded everywhere (`EVENT_LIMITS`, `EVENT_TEXT_LIMITS` in `functions/core/classify.ts`, with their sources): an
 * event larger than EventBridge delivers, or an identifier that cannot be valid, is refused as malformed; free text
 * only shown to people is clipped with a visible `…`. Nothing taken from an event can grow a message, a log line or a
 * store key past its own limit.
 *
 * Written with Zod Mini, whose functional API lets the bundler keep only what is used: the Lambda bundle stays small
 * and starts fast. English messages are loaded once, as the full Zod would.
 */
z.config(en());

const L = EVENT_LIMITS;
const T = EVENT_TEXT_LIMITS;

const EVENT_ID = EVENT_ID_PATTERN;
/** `us-east-1`, `ap-southeast-4`, `us-gov-west-1`, `eu-isoe-west-1`… */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** IAM names (role names, service principals): `[\w+=,.@-]+`. */
const IAM_NAME = /^[\w+=,.@-]+$/;

const EventIdSchema = z
  .string()
  .check(
    z.regex(
      EVENT_ID,
      `expected an event id: 1 to ${L.eventId} characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"`,
    ),
  );
const RegionSchema = z.string().check(
  z.refine((value) => value.length <= L.region && REGION.test(value), {
    message: `expected a Region code such as us-east-1, at most ${L.region} characters`,
  }),
);
const AccountSchema = z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id'));
/** 1 to `max` characters, refused beyond. */
const Bounded = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max, `expected at most ${max} characters`));
/** ISO 8601, at most {@link EVENT_LIMITS.time} characters. */
const TimeSchema = (options?: { offset: true }) =>
  z.iso
    .datetime(options)
    .check(z.maxLength(L.time, `expected an ISO 8601 time of at most ${L.time} characters`));
/** Free text only shown to people: cut to `max` characters, the last a visible `…`. `null` is read as absent. */
const ClippedText = (max: number) => z.nullish(z.string().check(z.overwrite((text) => cut(text, max))));
/** A JSON object (not an array, not null). */
const JsonObjectSchema = z.record(z.string(), z.unknown());

/** The EventBridge envelope: every field EventBridge always sends, typed. */
const EventEnvelopeSchema = z.looseObject({
  version: Bounded(L.version),
  id: EventIdSchema,
  source: Bounded(L.source),
  account: AccountSchema,
  time: TimeSchema(),
  region: RegionSchema,
  resources: z
    .array(z.string().check(z.maxLength(L.resource, `expected an ARN of at most ${L.resource} characters`)))
    .check(z.maxLength(L.resources, `expected at most ${L.resources} resources`)),
  'detail-type': Bounded(L.detailType),
  /** EventBridge requires `detail` to be a JSON object; a scheduled event carries `{}`. */
  detail: JsonObjectSchema,
  'replay-name': z.optional(Bounded(L.replayName)),
});

const UserIdentitySchema = z.nullish(
  z.looseObject({
    type: ClippedText(T.identityType),
    arn: ClippedText(T.actorArn),
    accountId: ClippedText(T.identityAccountId),
    invokedBy: ClippedText(T.invokedBy),
  }),
);

const CloudTrailRecordSchema = z
  .looseObject({
    eventID: EventIdSchema,
    eventName: Bounded(L.eventName),
    eventSource: Bounded(L.eventSource),
    eventTime: TimeSchema({ offset: true }),
    awsRegion: RegionSchema,
    errorCode: z.nullish(
      z.string().check(
        z.minLength(1),
        z.overwrite((code) => cut(code, T.errorCode)),
      ),
    ),
    errorMessage: ClippedText(T.errorMessage),
    userIdentity: UserIdentitySchema,
    sourceIPAddress: ClippedText(T.sourceIPAddress),
    userAgent: ClippedText(T.userAgent),
    requestParameters: z._default(z.nullable(JsonObjectSchema), null),
    responseElements: z._default(z.nullable(JsonObjectSchema), null),
  })
  .check(z.superRefine(checkCall));

const RegionOptInDetailSchema = z.looseObject({
  accountId: z.optional(AccountSchema),
  regionName: RegionSchema,
  status: Bounded(L.optInStatus),
});

const CloudTrailEventSchema = z.extend(EventEnvelopeSchema, {
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  detail: CloudTrailRecordSchema,
});

const ScheduledEventSchema = z.extend(EventEnvelopeSchema, {
  source: z.literal(SCHEDULE_SOURCE),
  'detail-type': z.literal(SCHEDULE_DETAIL_TYPE),
});

const RegionOptInEventSchema = z.extend(EventEnvelopeSchema, {
  source: z.literal(ACCOUNT_SOURCE),
  'detail-type': z.literal(REGION_OPT_IN_DETAIL_TYPE),
  detail: RegionOptInDetailSchema,
});

export type { ParsedEvent };

export type ParseResult =
  | { readonly ok: true; readonly event: ParsedEvent }
  | { readonly ok: false; readonly id?: string; readonly issues: string[] };

/** At most this many issues are reported, so that a hostile input cannot flood the logs. */
const MAX_ISSUES = 10;
/** Each issue is cut to this many characters. */
const MAX_ISSUE_CHARS = 300;
const TOO_LARGE =
  `(event): larger than EventBridge delivers: an entry must be under 256 KiB, so an event is at most ` +
  `${L.eventBytes} bytes of JSON in UTF-8 with its envelope`;

/**
 * Reads an EventBridge event. Never throws: an input that is not an event this reconciler can read gives
 * `ok: false` with readable issues, and the envelope `id` when the input has one.
 */
export function parseTrigger(input: unknown): ParseResult {
  try {
    return parse(input);
  } catch (error) {
    return failure(idOf(input), [`unreadable input: ${describe(error)}`]);
  }
}

function parse(input: unknown): ParseResult {
  if (!fitsJson(input, L.eventBytes)) return failure(idOf(input), [TOO_LARGE]);
  const envelope = EventEnvelopeSchema.safeParse(input);
  if (!envelope.success) return failure(idOf(input), formatIssues(envelope.error.issues));
  const { source, 'detail-type': detailType, id } = envelope.data;

  if (detailType === CLOUDTRAIL_DETAIL_TYPE) {
    const parsed = CloudTrailEventSchema.safeParse(input);
    if (!parsed.success) return failure(id, formatIssues(parsed.error.issues));
    return success({ ...parsed.data, shape: 'cloudtrail' });
  }
  if (source === SCHEDULE_SOURCE && detailType === SCHEDULE_DETAIL_TYPE) {
    const parsed = ScheduledEventSchema.safeParse(input);
    if (!parsed.success) return failure(id, formatIssues(parsed.error.issues));
    return success({ ...parsed.data, shape: 'schedule' });
  }
  if (source === ACCOUNT_SOURCE && detailType === REGION_OPT_IN_DETAIL_TYPE) {
    const parsed = RegionOptInEventSchema.safeParse(input);
    if (!parsed.success) return failure(id, formatIssues(parsed.error.issues));
    return success({ ...parsed.data, shape: 'region-opt-in' });
  }
  return success({ ...envelope.data, shape: 'other' });
}

type CallContext = z.core.$RefinementCtx<Record<string, unknown>>;

/**
 * What a successful call must name within AWS's own bounds: the role names and service principal of an IAM call, the
 * deletion task of DeleteServiceLinkedRole, the rules of PutReplicationConfiguration. A failed call is not checked:
 * the service refused what it was given, and it may be anything (it is only quoted, clipped).
 */
function checkCall(record: Record<string, unknown>, ctx: CallContext): void {
  if (record.errorCode) return;
  const { eventSource, eventName, requestParameters, responseElements } = record;
  if (eventSource === IAM_EVENT_SOURCE) {
    for (const [key, value] of entriesOf(requestParameters)) {
      const name = key.toLowerCase();
      if (name === 'rolename' && !isIamName(value, L.roleName))
        issue(ctx, ['requestParameters', key], `expected an IAM role name: ${iamNameRule(L.roleName)}`);
      if (name === 'awsservicename' && !isIamName(value, L.serviceName))
        issue(ctx, ['requestParameters', key], `expected a service principal: ${iamNameRule(L.serviceName)}`);
    }
    const task = isRecord(responseElements) ? responseElements.deletionTaskId : undefined;
    if (eventName === 'DeleteServiceLinkedRole' && typeof task === 'string' && task.length > L.deletionTaskId)
      issue(
        ctx,
        ['responseElements', 'deletionTaskId'],
        `expected a deletion task id of at most ${L.deletionTaskId} characters`,
      );
  }
  if (eventSource === ECR_EVENT_SOURCE && eventName === REPLICATION_EVENT_NAME) {
    checkRules(ctx, requestParameters, 'requestParameters');
    checkRules(ctx, responseElements, 'responseElements');
  }
}

function checkRules(ctx: CallContext, holder: unknown, at: string): void {
  const configuration = isRecord(holder) ? holder.replicationConfiguration : undefined;
  const rules = isRecord(configuration) ? configuration.rules : undefined;
  if (!Array.isArray(rules)) return;
  const path = [at, 'replicationConfiguration', 'rules'];
  if (rules.length > L.replicationRules)
    issue(ctx, path, `expected at most ${L.replicationRules} replication rules`);
  for (const [index, rule] of rules.slice(0, L.replicationRules).entries()) {
    if (!isRecord(rule)) continue;
    const { destinations, repositoryFilters } = rule;
    if (Array.isArray(destinations) && destinations.length > L.ruleDestinations)
      issue(
        ctx,
        [...path, index, 'destinations'],
        `expected at most ${L.ruleDestinations} destinations a rule`,
      );
    if (Array.isArray(repositoryFilters) && repositoryFilters.length > L.ruleFilters)
      issue(
        ctx,
        [...path, index, 'repositoryFilters'],
        `expected at most ${L.ruleFilters} repository filters a rule`,
      );
  }
}

function issue(ctx: CallContext, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', message, path, input: undefined });
}

/** Names that are not strings are left alone: classification ignores them. */
function isIamName(value: unknown, max: number): boolean {
  return typeof value !== 'string' || (value.length <= max && IAM_NAME.test(value));
}

function iamNameRule(max: number): string {
  return `1 to ${max} characters of A-Z, a-z, 0-9, "_", "+", "=", ",", ".", "@" or "-"`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/**
 * Whether `value`, written as JSON, takes at most `maxBytes` bytes of UTF-8: exact for JSON values, a close estimate
 * for anything else (a value JSON cannot hold counts as its text). Walks without recursion and stops as soon as the
 * budget is spent, so a huge or deeply nested input costs no more than the budget.
 */
function fitsJson(value: unknown, maxBytes: number): boolean {
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    if (size > maxBytes) return false;
    const item = pending.pop();
    switch (typeof item) {
      case 'string':
        size += stringBytes(item, maxBytes - size);
        break;
      case 'number':
        size += Number.isFinite(item) ? String(item).length : 4;
        break;
      case 'boolean':
        size += item ? 4 : 5;
        break;
      case 'bigint':
        size += String(item).length;
        break;
      case 'object':
        if (item === null) {
          size += 4;
        } else if (Array.isArray(item)) {
          // Brackets and commas first: an array longer than the budget is over it without reading one item.
          size += 2 + Math.max(0, item.length - 1);
          if (size > maxBytes) return false;
          for (let index = 0; index < item.length; index++) pending.push(item[index]);
        } else {
          size += 1;
          for (const key in item) {
            if (!Object.hasOwn(item, key)) continue;
            size += stringBytes(key, maxBytes - size) + 2; // the colon, and a comma or the closing brace
            if (size > maxBytes) return false;
            pending.push((item as Record<string, unknown>)[key]);
          }
        }
        break;
      default:
        // undefined, functions and symbols: `null` in an array, left out of an object.
        size += 4;
    }
  }
  return size <= maxBytes;
}

/** The UTF-8 size of `text` as a JSON string, quotes and escapes included; stops counting past `budget`. */
function stringBytes(text: string, budget: number): number {
  let size = 2;
  for (let i = 0; i < text.length && size <= budget; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) size += 2;
    else if (code < 0x20)
      size += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    else if (code < 0x80) size += 1;
    else if (code < 0x800) size += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size += 4;
        i++;
      } else size += 6; // a lone surrogate is written `\udxxx`
    } else if (code >= 0xdc00 && code <= 0xdfff) size += 6;
    else size += 3;
  }
  return size;
}

function success(event: ParsedEvent): ParseResult {
  return { ok: true, event };
}

function failure(id: string | undefined, issues: string[]): ParseResult {
  return id === undefined ? { ok: false, issues } : { ok: false, id, issues };
}

/** The envelope id of an input that failed validation, when it is a usable one (never an unbounded string). */
function idOf(input: unknown): string | undefined {
  try {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
    const id: unknown = (input as { id?: unknown }).id;
    return typeof id === 'string' && EVENT_ID.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** `detail.eventName: Invalid input: expected string, received undefined`. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => cut(`${formatPath(issue.path)}: ${issue.message}`, MAX_ISSUE_CHARS));
  if (issues.length > MAX_ISSUES) lines.push(`… and ${issues.length - MAX_ISSUES} more`);
  return lines.length > 0 ? lines : ['invalid input'];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(event)';
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = typeof key === 'symbol' ? String(key) : key;
      return /^[A-Za-z_$][\w$-]*$/.test(name)
        ? `${index === 0 ? '' : '.'}${name}`
        : `[${JSON.stringify(name)}]`;
    })
    .join('');
}

function describe(error: unknown): string {
  try {
    return cut(error instanceof Error ? error.message : String(error), MAX_ISSUE_CHARS);
  } catch {
    return 'unknown error';
  }
}
