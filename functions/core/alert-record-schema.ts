import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Zod Mini carries no messages of its own: the English ones make each issue say what was expected and found.
z.config(en());

/*
 * An alert record as the stores read it back (the DynamoDB table, the CLI's state file), validated before the
 * reconcile relies on it. Only what the reconciler relies on is checked, as precisely as it is relied on.
 */

/** A non-empty string. */
export const Text = z.string().check(z.minLength(1));

/** A string `Date.parse` reads (the stores write ISO-8601 date-times). */
export const DateTime = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO-8601 date-time'));

/** The finding an alert announced. Loose: a field this version does not know is kept as it is. */
export const FindingSchema = z.looseObject({
  code: Text,
  severity: Text,
  message: z.string(),
  regions: z.array(z.string()),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string(),
});

const ALERT_RECORD_FIELDS = {
  account: Text,
  // Any code, not only today's: a record of a code this version no longer raises is resolved, not refused.
  code: Text,
  // Absent on records written before delivery was kept per channel.
  channel: z.optional(Text),
  status: z.enum(['open', 'resolved']),
  fingerprint: z.string(),
  finding: FindingSchema,
  openedAt: DateTime,
  updatedAt: DateTime,
  transition: z.enum(['opened', 'changed', 'reminder', 'resolved']),
  notifiedAt: z.nullable(DateTime),
  claimedUntil: z.nullable(DateTime),
  version: z.int().check(z.gte(1)),
};

/**
 * An alert record whose unknown fields are kept (the state file is rewritten whole: a field a newer version wrote
 * must survive). Its `code` is any text: cast the result to `AlertRecord` knowing that.
 */
export const AlertRecordSchema = z.looseObject(ALERT_RECORD_FIELDS);

/** An alert record, exactly its fields: anything else (a table's keys, say) is dropped. */
export const AlertRecordFieldsSchema = z.object(ALERT_RECORD_FIELDS);

/** At most this many problems are listed by {@link describeIssues}. */
const MAX_ISSUES = 3;

/**
 * The first few problems found, one per field, where the field is (`whole` when it is the value itself):
 * `alerts[1].version: Invalid input: expected number, received undefined`. Empty when there is none.
 *
 * @example
 * const result = AlertRecordSchema.safeParse(value);
 * if (!result.success) throw new Error(describeIssues(result.error.issues, 'the record'));
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], whole: string): string {
  const lines = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${formatPath(issue.path, whole)}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) lines.push(`… and ${issues.length - MAX_ISSUES} more`);
  return lines.join('; ');
}

function formatPath(path: readonly PropertyKey[], whole: string): string {
  if (path.length === 0) return whole;
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      return /^[A-Za-z_$][\w$]*$/.test(name)
        ? `${index === 0 ? '' : '.'}${name}`
        : `[${JSON.stringify(name)}]`;
    })
    .join('');
}
