/**
 * Links in a report may only point at the web or at an e-mail address. Anything else
 * (javascript:, data:, file:, relative paths a paste brings along) is refused, because a
 * report travels between members and must not carry active content.
 */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The href, trimmed, when it is an http(s) or mailto link; otherwise null. */
export function sanitizeHref(raw: string): string | null {
  // Browsers ignore ASCII control characters and whitespace inside a scheme
  // ("java\tscript:"), so strip them before looking at it.
  const href = raw.replace(/[\u0000-\u0020\u007f]+/g, (m, offset: number) => (offset === 0 ? '' : m)).trim();
  if (!href) return null;
  const compact = href.replace(/[\u0000-\u001f\u007f\s]+/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  if (!scheme) return null;
  if (!ALLOWED_PROTOCOLS.has(scheme[1]!.toLowerCase() + ':')) return null;
  if (/\s/.test(href)) return null;
  if (scheme[1]!.toLowerCase() !== 'mailto' && !/^https?:\/\/[^/?#\s]+/i.test(href)) return null;
  return href;
}
