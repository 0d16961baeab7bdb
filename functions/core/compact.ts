import { cut } from './text.js';

// Every channel that shows a finding's evidence (Slack, the chat notification on SNS, the terminal) shrinks it with
// this one function, so that they all show the same excerpt.

export interface CompactLimits {
  /** Longer strings are cut to this many characters. */
  readonly maxString: number;
  /** Longer arrays and objects keep this many items, then say how many more there were. */
  readonly maxItems: number;
  /** Deeper values are replaced by a short description. */
  readonly maxDepth: number;
}

/** A JSON-safe copy of `value` within `limits`: the structure stays, only its size shrinks. */
export function compactValue(value: unknown, limits: CompactLimits, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > limits.maxString
      ? `${cut(value, limits.maxString)} (${value.length} chars)`
      : value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (depth >= limits.maxDepth) return `[${value.length} items]`;
    const kept = value.slice(0, limits.maxItems).map((item) => compactValue(item, limits, depth + 1));
    if (value.length > limits.maxItems) kept.push(`… ${value.length - limits.maxItems} more`);
    return kept;
  }
  const entries = Object.entries(value);
  if (depth >= limits.maxDepth) return `{${entries.length} keys}`;
  const compact: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, limits.maxItems))
    compact[key] = compactValue(item, limits, depth + 1);
  if (entries.length > limits.maxItems) compact['…'] = `${entries.length - limits.maxItems} more keys`;
  return compact;
}
