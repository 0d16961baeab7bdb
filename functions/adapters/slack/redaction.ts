import { describeChain } from './errors.js';

/** Stands for the whole webhook URL in a text. */
const URL_MARKER = '[webhook URL]';
/** Stands for any other part of it (its path, a path segment, the query). */
const PART_MARKER = '[redacted]';
/** Path prefixes that Slack puts in every webhook URL: public, so left readable (everything after them is not). */
const PUBLIC_FIRST_SEGMENTS: ReadonlySet<string> = new Set(['services']);

/**
 * A function that hides the webhook URL in any text. Everything after the host is secret whatever its length:
 * the whole URL becomes `[webhook URL]`; the path (and what follows the first segment), every path segment but a
 * leading `services` (Slack's fixed prefix, and only when more follows it), the query, each of its parameters and
 * values, the fragment and any user info become `[redacted]` — each as written, percent-encoded, decoded and with
 * JSON-escaped slashes. A one-segment path is secret too: nothing says it is public. Longest first, in one pass
 * (a marker is never redacted again).
 * @example
 * webhookRedactor('https://hooks.slack.com/services/T0/B0/abc')('invalid_token abc for /services/T0/B0/abc')
 * // 'invalid_token [redacted] for [redacted]'
 */
export function webhookRedactor(url: string): (text: string) => string {
  const whole = new Set<string>();
  const parts = new Set<string>();
  for (const form of [url, parsedHref(url)]) {
    if (form === undefined) continue;
    for (const variant of variants(form)) whole.add(variant);
    const match = /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(form);
    if (!match) continue;
    const [, authority = '', path = '', query = '', fragment = ''] = match;
    const secrets: string[] = [path, `${path}${query}`, query, query.slice(1), fragment, fragment.slice(1)];
    const at = authority.lastIndexOf('@');
    if (at >= 0) secrets.push(authority.slice(0, at), ...authority.slice(0, at).split(':'));
    const segments = path.split('/').filter((segment) => segment !== '');
    const publicFirst = segments.length > 1 && PUBLIC_FIRST_SEGMENTS.has(segments[0] ?? '');
    secrets.push(...(publicFirst ? segments.slice(1) : segments));
    if (segments.length > 1) secrets.push(segments.slice(1).join('/'));
    // Each parameter and its value; a parameter's name alone (`token`) is ordinary text.
    for (const parameter of query.slice(1).split('&')) secrets.push(parameter, parameter.split('=')[1] ?? '');
    for (const secret of secrets) {
      if ((publicFirst && secret === segments[0]) || secret.replace(/[/?#]/g, '') === '') continue;
      for (const variant of variants(secret)) parts.add(variant);
    }
  }
  for (const secret of whole) parts.delete(secret);
  const ordered = [...whole, ...parts].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, (found) => (whole.has(found) ? URL_MARKER : PART_MARKER));
}

/** `text` as written, percent-encoded (as a component and as a URI), decoded, and with JSON-escaped slashes. */
function variants(text: string): string[] {
  const forms = [text, encodeURIComponent(text), encodeURI(text)];
  try {
    forms.push(decodeURIComponent(text));
  } catch {
    // Not percent-encoded text: nothing to decode.
  }
  return [...new Set([...forms, ...forms.map((form) => form.replaceAll('/', '\\/'))])];
}

/** The URL as the WHATWG parser writes it (it may normalize the path), or `undefined` when it cannot be parsed. */
function parsedHref(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A fresh error standing for `err` with the secret removed. The original is not kept as `cause`: its fields
 * (`input`, nested causes, the stack) may hold the URL.
 */
export function sanitized(err: unknown, redact: (text: string) => string): Error {
  const safe = new Error(redact(describeChain(err)));
  safe.name = err instanceof Error ? redact(err.name) : 'Error';
  return safe;
}
