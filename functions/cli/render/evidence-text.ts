import { compactValue } from '../../core/compact.js';

/** Evidence keys the report says elsewhere. */
const REPEATED_EVIDENCE_KEYS: ReadonlySet<string> = new Set(['account', 'observedAt']);
const EVIDENCE_LIMITS = { maxString: 300, maxItems: 20, maxDepth: 4 };

/**
 * A finding's evidence as `key: value` lines a person reads: the keys of the JSON report, values in words
 * (`ap-southeast-2 → eu-west-1/123456789012`, `eu-west-1 (AccessDeniedException: …)`, `none`), never JSON.
 * @example
 * evidenceText({ getRole: 'NoSuchEntity', lastUsed: null }); // → ['getRole: NoSuchEntity', 'lastUsed: none']
 */
export function evidenceText(evidence: object): string[] {
  return Object.entries(evidence)
    .filter(([key, value]) => !REPEATED_EVIDENCE_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}: ${readable(compactValue(value, EVIDENCE_LIMITS))}`);
}

function readable(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(readable).join(', ');
  const object = value as Record<string, unknown>;
  const { region, destinations, error, code, message, date, resources } = object;
  if (typeof region === 'string' && Array.isArray(destinations)) {
    return `${region} → ${destinations.map(destination).join(', ') || 'nowhere'}`;
  }
  if (typeof region === 'string' && error && typeof error === 'object')
    return `${region} (${readable(error)})`;
  // A Region whose error is said once elsewhere (every Region of an account whose role could not be assumed).
  if (typeof region === 'string' && error === null && Object.keys(object).length === 2) return region;
  if (typeof region === 'string' && Array.isArray(resources)) {
    return resources.length > 0 ? `${region} (${resources.map(readable).join(', ')})` : region;
  }
  if (typeof code === 'string' && typeof message === 'string') return `${code}: ${message}`;
  if ('date' in object && 'region' in object) {
    return date ? `${readable(date)}${region ? ` in ${readable(region)}` : ''}` : 'never';
  }
  return Object.entries(object)
    .map(([key, item]) => `${key} ${readable(item)}`)
    .join(', ');
}

function destination(value: unknown): string {
  const { region, registryId } = (value ?? {}) as { region?: unknown; registryId?: unknown };
  return `${String(region)}${registryId ? `/${String(registryId)}` : ''}`;
}
