/**
 * EventBridge event-pattern matching, for tests: does a rule's `EventPattern` match an event?
 *
 * Follows the documented semantics: fields at one level are ANDed; a pattern array is an OR of its matchers; an
 * event array matches when any of its elements does; nested objects nest; `$or` takes alternative sub-patterns;
 * matchers `prefix`, `suffix` (both also with `equals-ignore-case`), `equals-ignore-case`, `anything-but` (value,
 * list, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`), `numeric`, `exists`, `cidr` (IPv4) and `wildcard`.
 * A matcher it does not know throws, so that a test never passes on a pattern it could not read.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @example
 * matchesEventPattern({ source: ['aws.ecr'], detail: { eventName: [{ prefix: 'Put' }] } }, event); // → true
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern))
    throw new UnsupportedPatternError(`a pattern is a JSON object, not ${json(pattern)}`);
  return matchesObject(pattern, event);
}

/**
 * Reads a whole pattern without an event, throwing {@link UnsupportedPatternError} on anything
 * {@link matchesEventPattern} could not read: every field, every `$or` alternative and every matcher. Matching
 * alone reads only what it needs (`every` and `some` stop early), so an unreadable matcher can hide behind a field
 * that does not match; a CloudFormation intrinsic left in a pattern (`{"Fn::GetAtt": …}`) is such a matcher.
 *
 * @example
 * assertReadableEventPattern({ resources: [{ 'Fn::GetAtt': ['Alarm', 'Arn'] }] }); // throws
 */
export function assertReadableEventPattern(pattern: unknown): void {
  if (!isObject(pattern))
    throw new UnsupportedPatternError(`a pattern is a JSON object, not ${json(pattern)}`);
  readObject(pattern);
}

export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

type JsonObject = Record<string, unknown>;

function matchesObject(pattern: JsonObject, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isObject)) {
        throw new UnsupportedPatternError(
          `$or takes an array of at least two patterns, not ${json(expected)}`,
        );
      }
      return expected.some((alternative) => matchesObject(alternative, value));
    }
    const field = isObject(value) ? value[key] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(expected, field);
    if (isObject(expected)) {
      // An array of objects matches when one element matches the whole sub-pattern.
      if (Array.isArray(field) && field.some(isObject)) {
        return field.some((element) => matchesObject(expected, element));
      }
      return matchesObject(expected, field);
    }
    throw new UnsupportedPatternError(
      `the value of "${key}" must be an array or an object, not ${json(expected)}`,
    );
  });
}

function readObject(pattern: JsonObject): void {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      // Checks the shape of `$or` exactly as matching does.
      matchesObject({ $or: expected }, {});
      for (const alternative of expected as JsonObject[]) readObject(alternative);
    } else if (Array.isArray(expected)) {
      for (const matcher of expected) readMatcher(matcher);
    } else if (isObject(expected)) {
      readObject(expected);
    } else {
      throw new UnsupportedPatternError(
        `the value of "${key}" must be an array or an object, not ${json(expected)}`,
      );
    }
  }
}

/** Reads one matcher by matching it against a string and a number: each operator checks its operand. */
function readMatcher(matcher: unknown): void {
  if (isObject(matcher) && 'exists' in matcher) {
    matchesLeaf([matcher], undefined);
    return;
  }
  if (isObject(matcher) && Array.isArray(matcher['anything-but'])) {
    for (const excluded of matcher['anything-but']) readMatcher(excluded);
    return;
  }
  for (const probe of ['', 0]) matchesValue(matcher, probe);
}

/** A leaf: the event's value (or each value of an array) against the pattern's matchers, ORed. */
function matchesLeaf(matchers: readonly unknown[], field: unknown): boolean {
  // Only leaf values count: an object (a non-leaf node) is as good as absent for `exists`.
  const values = (Array.isArray(field) ? field : field === undefined ? [] : [field]).filter(
    (value) => !isObject(value) && !Array.isArray(value),
  );
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) {
      if (typeof matcher.exists !== 'boolean')
        throw new UnsupportedPatternError(`exists takes true or false`);
      return matcher.exists === values.length > 0;
    }
    return values.some((value) => matchesValue(matcher, value));
  });
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean')
    return value === matcher;
  if (typeof matcher === 'number') return typeof value === 'number' && value === matcher;
  if (!isObject(matcher)) throw new UnsupportedPatternError(`unknown matcher ${json(matcher)}`);
  const keys = Object.keys(matcher);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) {
    throw new UnsupportedPatternError(`a matcher has exactly one operator: ${json(matcher)}`);
  }
  const operand = matcher[operator];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && affix(operand, (text, part) => text.startsWith(part))(value);
    case 'suffix':
      return typeof value === 'string' && affix(operand, (text, part) => text.endsWith(part))(value);
    case 'equals-ignore-case':
      return typeof value === 'string' && lower(value) === lower(stringOperand(operator, operand));
    case 'wildcard':
      return typeof value === 'string' && wildcard(stringOperand(operator, operand)).test(value);
    case 'anything-but':
      return !matchesAnythingButOperand(operand, value);
    case 'numeric':
      return typeof value === 'number' && numeric(operand, value);
    case 'cidr':
      return typeof value === 'string' && inCidr(stringOperand(operator, operand), value);
    default:
      throw new UnsupportedPatternError(`unknown operator "${operator}" in ${json(matcher)}`);
  }
}

/** What `anything-but` excludes: a value, a list of values, or one `prefix`/`suffix`/`equals-ignore-case`/`wildcard`. */
function matchesAnythingButOperand(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.some((excluded) => matchesValue(excluded, value));
  if (!isObject(operand)) return matchesValue(operand, value);
  const [operator, ...others] = Object.keys(operand);
  if (operator === undefined || others.length > 0) {
    throw new UnsupportedPatternError(`anything-but takes one operator: ${json(operand)}`);
  }
  const inner = operand[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'wildcard':
      return (Array.isArray(inner) ? inner : [inner]).some((part) =>
        matchesValue({ [operator]: part }, value),
      );
    case 'equals-ignore-case':
      return (Array.isArray(inner) ? inner : [inner]).some((part) =>
        matchesValue({ 'equals-ignore-case': part }, value),
      );
    default:
      throw new UnsupportedPatternError(`anything-but does not take "${operator}"`);
  }
}

function affix(operand: unknown, test: (text: string, part: string) => boolean): (value: string) => boolean {
  if (typeof operand === 'string') return (value) => test(value, operand);
  if (
    isObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand['equals-ignore-case'] === 'string'
  ) {
    const part = lower(operand['equals-ignore-case']);
    return (value) => test(lower(value), part);
  }
  throw new UnsupportedPatternError(
    `prefix/suffix take a string or {"equals-ignore-case": string}: ${json(operand)}`,
  );
}

function numeric(operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    throw new UnsupportedPatternError(`numeric takes operator/number pairs: ${json(operand)}`);
  }
  for (let index = 0; index < operand.length; index += 2) {
    const [operator, bound] = [operand[index], operand[index + 1]];
    if (typeof bound !== 'number')
      throw new UnsupportedPatternError(`numeric bound is not a number: ${json(bound)}`);
    const holds =
      operator === '<'
        ? value < bound
        : operator === '<='
          ? value <= bound
          : operator === '>'
            ? value > bound
            : operator === '>='
              ? value >= bound
              : operator === '='
                ? value === bound
                : undefined;
    if (holds === undefined) throw new UnsupportedPatternError(`unknown numeric operator ${json(operator)}`);
    if (!holds) return false;
  }
  return true;
}

/** `*` matches any run of characters (`\*` is a literal star). */
function wildcard(pattern: string): RegExp {
  const parts = pattern.split(/(\\\*|\*)/).map((part) => {
    if (part === '*') return '.*';
    if (part === '\\*') return '\\*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`, 's');
}

function inCidr(range: string, address: string): boolean {
  const [network, bits = '32'] = range.split('/');
  const prefix = Number(bits);
  const base = ipv4(network ?? '');
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new UnsupportedPatternError(`only IPv4 CIDR ranges are supported here: ${range}`);
  }
  const value = ipv4(address);
  if (value === undefined) return false;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (value & mask) >>> 0 === (base & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let result = 0;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return undefined;
    result = result * 256 + Number(octet);
  }
  return result;
}

function stringOperand(operator: string, operand: unknown): string {
  if (typeof operand !== 'string')
    throw new UnsupportedPatternError(`${operator} takes a string: ${json(operand)}`);
  return operand;
}

function lower(text: string): string {
  return text.toLocaleLowerCase('en-US');
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
