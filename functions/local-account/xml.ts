/** Just enough XML to answer the AWS query protocols: objects become elements, arrays become `<member>` lists. */
type XmlValue = string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

export function xml(name: string, value: XmlValue, listItem = 'member'): string {
  if (value === undefined) return '';
  if (Array.isArray(value))
    return `<${name}>${value.map((item) => xml(listItem, item, listItem)).join('')}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([key, child]) => xml(key, child, listItem))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
