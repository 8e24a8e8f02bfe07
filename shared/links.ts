/**
 * Links in a report may only point at the web or at an e-mail address. Anything else
 * (javascript:, data:, file:, relative paths a paste brings along) is refused, because a
 * report travels between members and must not carry active content.
 *
 * Exports (stable): `sanitizeHref(raw)` → the href or null; `sanitizeLinkMarks(json)` →
 * a copy of ProseMirror JSON whose link marks all pass `sanitizeHref` (the others are
 * dropped, their text kept), for documents that arrive as JSON (import, templates, seed).
 */
// Control characters are exactly what these patterns look for.
/* eslint-disable no-control-regex */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The href, trimmed, when it is an http(s) or mailto link; otherwise null. */
export function sanitizeHref(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  // Browsers ignore ASCII control characters and whitespace inside a scheme
  // ("java\tscript:"), so strip them before looking at it.
  const href = raw.replace(/[\u0000-\u0020\u007f]+/g, (m, offset: number) => (offset === 0 ? '' : m)).trim();
  if (!href) return null;
  const compact = href.replace(/[\u0000-\u001f\u007f\s]+/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  if (!scheme) return null;
  if (!ALLOWED_PROTOCOLS.has(scheme[1]!.toLowerCase() + ':')) return null;
  // Whitespace or control characters left inside: not an address anyone typed.
  if (/[\s\u0000-\u001f\u007f]/.test(href)) return null;
  if (scheme[1]!.toLowerCase() !== 'mailto' && !/^https?:\/\/[^/?#\s]+/i.test(href)) return null;
  return href;
}

interface MarkJSON { type: string; attrs?: Record<string, unknown> }
interface NodeJSON { type: string; marks?: MarkJSON[]; content?: NodeJSON[]; [key: string]: unknown }

/**
 * A copy of a ProseMirror JSON document in which every link mark has a sanitised href;
 * links that fail `sanitizeHref` are dropped (their text stays). `dropped` counts them.
 * The input is not modified.
 */
export function sanitizeLinkMarks<T extends NodeJSON>(docJSON: T): { doc: T; dropped: number } {
  let dropped = 0;
  const visit = (node: NodeJSON): NodeJSON => {
    const copy: NodeJSON = { ...node };
    if (node.marks) {
      copy.marks = node.marks.flatMap((mark) => {
        if (mark.type !== 'link') return [mark];
        const href = sanitizeHref(mark.attrs?.href as string);
        if (href === null) {
          dropped++;
          return [];
        }
        return [{ ...mark, attrs: { ...mark.attrs, href } }];
      });
    }
    if (node.content) copy.content = node.content.map(visit);
    return copy;
  };
  return { doc: visit(docJSON) as T, dropped };
}
