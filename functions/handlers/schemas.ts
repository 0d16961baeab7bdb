import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  ACCOUNT_SOURCE,
  CLOUDTRAIL_DETAIL_TYPE,
  type ParsedEvent,
  REGION_OPT_IN_DETAIL_TYPE,
  SCHEDULE_DETAIL_TYPE,
  SCHEDULE_SOURCE,
} from '../core/classify.js';

/*
 * Input schemas. Permissive on what is not used (unknown fields pass through untouched, so a new CloudTrail
 * `eventVersion` or an extra envelope field never breaks parsing); strict on what is used (types, non-empty ids,
 * timestamps, Region codes), so that classification never sees a value it cannot trust the type of.
 *
 * Written with Zod Mini, whose functional API lets the bundler keep only what is used: the Lambda bundle stays small
 * and starts fast. English messages are loaded once, as the full Zod would.
 */
z.config(en());

/** `us-east-1`, `ap-southeast-4`, `us-gov-west-1`, `eu-isoe-west-1`… */
const RegionSchema = z
  .string()
  .check(z.regex(/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, 'expected a Region code such as us-east-1'));
const NonEmpty = z.string().check(z.minLength(1));
/** A JSON object (not an array, not null). */
const JsonObjectSchema = z.record(z.string(), z.unknown());
/** Optional in the record; `null` is read as absent. */
const OptionalText = z.nullish(z.string());

/** The EventBridge envelope: every field EventBridge always sends, typed. */
const EventEnvelopeSchema = z.looseObject({
  version: z.string(),
  id: NonEmpty,
  source: NonEmpty,
  account: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id')),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': NonEmpty,
  /** EventBridge requires `detail` to be a JSON object; a scheduled event carries `{}`. */
  detail: JsonObjectSchema,
  'replay-name': z.optional(z.string()),
});

const UserIdentitySchema = z.nullish(
  z.looseObject({
    type: OptionalText,
    arn: OptionalText,
    accountId: OptionalText,
    invokedBy: OptionalText,
  }),
);

const CloudTrailRecordSchema = z.looseObject({
  eventID: NonEmpty,
  eventName: NonEmpty,
  eventSource: NonEmpty,
  eventTime: z.iso.datetime({ offset: true }),
  awsRegion: RegionSchema,
  errorCode: z.nullish(NonEmpty),
  userIdentity: UserIdentitySchema,
  sourceIPAddress: OptionalText,
  userAgent: OptionalText,
  requestParameters: z._default(z.nullable(JsonObjectSchema), null),
  responseElements: z._default(z.nullable(JsonObjectSchema), null),
});

const RegionOptInDetailSchema = z.looseObject({
  accountId: z.optional(z.string()),
  regionName: RegionSchema,
  status: NonEmpty,
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
const MAX_ID_LENGTH = 200;

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

function success(event: ParsedEvent): ParseResult {
  return { ok: true, event };
}

function failure(id: string | undefined, issues: string[]): ParseResult {
  return id === undefined ? { ok: false, issues } : { ok: false, id, issues };
}

/** The envelope id of an input that failed validation, when it has a usable one. */
function idOf(input: unknown): string | undefined {
  try {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
    const id: unknown = (input as { id?: unknown }).id;
    return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH ? id : undefined;
  } catch {
    return undefined;
  }
}

/** `detail.eventName: Invalid input: expected string, received undefined`. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
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
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}
