import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { EVENT_ID_PATTERN, EVENT_LIMITS, EVENT_TEXT_LIMITS } from '../../core/event-bounds.js';
import { cut } from '../../core/text.js';
import {
  ACCOUNT_SOURCE,
  CLOUDTRAIL_DETAIL_TYPE,
  REGION_OPT_IN_DETAIL_TYPE,
  SCHEDULE_DETAIL_TYPE,
  SCHEDULE_SOURCE,
} from '../../core/watched-events.js';
import { REGION_NAME } from '../../settings.js';
import { checkSuccessfulCall } from './call-bounds.js';

/*
 * Input schemas. Permissive on what is not used (unknown fields pass through untouched, so a new CloudTrail
 * `eventVersion` or an extra envelope field never breaks parsing); strict on what is used (types, non-empty ids,
 * timestamps, Region codes), so that classification never sees a value it cannot trust the type of.
 *
 * Bounded everywhere (`EVENT_LIMITS`, `EVENT_TEXT_LIMITS` in `functions/core/event-bounds.ts`, with their sources): an
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

const EventIdSchema = z
  .string()
  .check(
    z.regex(
      EVENT_ID_PATTERN,
      `expected an event id: 1 to ${L.eventId} characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"`,
    ),
  );
const RegionSchema = z.string().check(
  z.refine((value) => value.length <= L.region && REGION_NAME.test(value), {
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
export const EventEnvelopeSchema = z.looseObject({
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
  .check(z.superRefine(checkSuccessfulCall));

const RegionOptInDetailSchema = z.looseObject({
  accountId: z.optional(AccountSchema),
  regionName: RegionSchema,
  status: Bounded(L.optInStatus),
});

export const CloudTrailEventSchema = z.extend(EventEnvelopeSchema, {
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  detail: CloudTrailRecordSchema,
});

export const ScheduledEventSchema = z.extend(EventEnvelopeSchema, {
  source: z.literal(SCHEDULE_SOURCE),
  'detail-type': z.literal(SCHEDULE_DETAIL_TYPE),
});

export const RegionOptInEventSchema = z.extend(EventEnvelopeSchema, {
  source: z.literal(ACCOUNT_SOURCE),
  'detail-type': z.literal(REGION_OPT_IN_DETAIL_TYPE),
  detail: RegionOptInDetailSchema,
});
