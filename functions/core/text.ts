/**
 * Cuts `text` to at most `max` characters, ending with `…` when cut, never splitting a surrogate pair (an emoji or
 * another character outside the Basic Multilingual Plane). The one clipper for text taken from outside.
 * @example
 * cut('AWSServiceRoleForECRReplication', 10); // → 'AWSServic…'
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
