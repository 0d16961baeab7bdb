/**
 * Whether `value`, written as JSON, takes at most `maxBytes` bytes of UTF-8: exact for JSON values, a close estimate
 * for anything else (a value JSON cannot hold counts as its text). Walks without recursion and stops as soon as the
 * budget is spent, so a huge or deeply nested input costs no more than the budget.
 */
export function fitsJson(value: unknown, maxBytes: number): boolean {
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
