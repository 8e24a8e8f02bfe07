/**
 * Escaping for the markup writers. HTML and XML share the five entities; XML 1.0 also
 * forbids most control characters outright, so they are dropped rather than escaped
 * (a report pasted from elsewhere can carry a stray U+000B or U+FFFE).
 */

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(XML_INVALID, '');
}

/** Text content and attribute values (double-quoted) alike. */
export function escapeMarkup(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An id made safe as an HTML id / XML NCName suffix: letters, digits, '-', '_'. */
export function safeIdPart(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_-]/g, '_');
  return cleaned || 'x';
}
