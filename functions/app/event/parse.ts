import type * as z from 'zod/mini';
import { EVENT_ID_PATTERN, EVENT_LIMITS } from '../../core/event-bounds.js';
import type { ParsedEvent } from '../../core/parsed-event.js';
import { cut } from '../../core/text.js';
import {
  ACCOUNT_SOURCE,
  CLOUDTRAIL_DETAIL_TYPE,
  REGION_OPT_IN_DETAIL_TYPE,
  SCHEDULE_DETAIL_TYPE,
  SCHEDULE_SOURCE,
} from '../../core/watched-events.js';
import { fitsJson } from './json-size.js';
import {
  CloudTrailEventSchema,
  EventEnvelopeSchema,
  RegionOptInEventSchema,
  ScheduledEventSchema,
} from './schemas.js';

const L = EVENT_LIMITS;

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
    return failure(idOf(input), [`unreadable input: ${describeError(error)}`]);
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
    return typeof id === 'string' && EVENT_ID_PATTERN.test(id) ? id : undefined;
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

function describeError(error: unknown): string {
  try {
    return cut(error instanceof Error ? error.message : String(error), MAX_ISSUE_CHARS);
  } catch {
    return 'unknown error';
  }
}
