/**
 * The report schema. A report is a sequence of blocks: headings (four levels, as UN
 * reports use: I. / A. / 1. / (a)), paragraphs, bulleted and numbered lists and block
 * quotes. Every block node carries an `id` attribute — stable across edits and unique in
 * the document (see `block-ids.ts`) — on which endorsements and comments hang.
 *
 * Marks are deliberately few: bold, italic and links. A link's `href` is sanitised on
 * parse and on render (`links.ts`), so a paste cannot smuggle `javascript:` in.
 */
import { Schema, type NodeSpec, type MarkSpec, type DOMOutputSpec } from 'prosemirror-model';
import { sanitizeHref } from './links.ts';

/** Node types that carry a block id. */
export const BLOCK_ID_TYPES: readonly string[] = ['heading', 'paragraph', 'list_item', 'blockquote'];

export const HEADING_LEVELS = 4;

/**
 * A heading's level as drawn, numbered and exported: a whole number from 1 to
 * HEADING_LEVELS. The attribute is only checked to be a number, and any client can write
 * 9, 1.5 or 1e21: drawn as is, such a heading became an element the browser does not know
 * (laid out inline, over the margin numbers), and Markdown export threw.
 */
export function headingLevel(value: unknown): number {
  const level = Math.floor(Number(value));
  return Number.isFinite(level) ? Math.min(Math.max(level, 1), HEADING_LEVELS) : 1;
}

/** What parse rules read of a DOM element; shared/ has no DOM typings of its own. */
interface ParsedElement {
  getAttribute(name: string): string | null;
  style?: { fontWeight?: string };
}

const idAttr = { id: { default: null as string | null, validate: 'string|null' } };

function idFromDom(dom: ParsedElement | string): string | null {
  if (typeof dom === 'string') return null;
  // Only ids we wrote ourselves survive a paste; anything else gets a fresh one.
  const id = dom.getAttribute('data-block-id');
  return id && /^[A-Za-z0-9_-]{4,64}$/.test(id) ? id : null;
}

function withId(tag: string, id: unknown, extra: Record<string, string> = {}): DOMOutputSpec {
  const attrs: Record<string, string> = { ...extra };
  if (typeof id === 'string') attrs['data-block-id'] = id;
  return [tag, attrs, 0];
}

const nodes: Record<string, NodeSpec> = {
  doc: { content: 'block+' },
  paragraph: {
    group: 'block',
    content: 'inline*',
    attrs: idAttr,
    parseDOM: [{ tag: 'p', getAttrs: (dom) => ({ id: idFromDom(dom) }) }],
    toDOM: (node) => withId('p', node.attrs.id),
  },
  heading: {
    group: 'block',
    content: 'inline*',
    defining: true,
    attrs: { ...idAttr, level: { default: 1, validate: 'number' } },
    parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({
      tag: `h${level}`,
      getAttrs: (dom: ParsedElement | string) => ({ id: idFromDom(dom), level: Math.min(level, HEADING_LEVELS) }),
    })),
    toDOM: (node) => withId(`h${headingLevel(node.attrs.level)}`, node.attrs.id),
  },
  blockquote: {
    group: 'block',
    content: 'block+',
    defining: true,
    attrs: idAttr,
    parseDOM: [{ tag: 'blockquote', getAttrs: (dom) => ({ id: idFromDom(dom) }) }],
    toDOM: (node) => withId('blockquote', node.attrs.id),
  },
  bullet_list: {
    group: 'block',
    content: 'list_item+',
    parseDOM: [{ tag: 'ul' }],
    toDOM: () => ['ul', 0],
  },
  ordered_list: {
    group: 'block',
    content: 'list_item+',
    attrs: { order: { default: 1, validate: 'number' } },
    parseDOM: [{
      tag: 'ol',
      getAttrs: (dom) => {
        const start = typeof dom === 'string' ? null : dom.getAttribute('start');
        return { order: start && /^\d+$/.test(start) ? Number(start) : 1 };
      },
    }],
    toDOM: (node) => (node.attrs.order === 1 ? ['ol', 0] : ['ol', { start: String(node.attrs.order) }, 0]),
  },
  list_item: {
    content: 'paragraph block*',
    defining: true,
    attrs: idAttr,
    parseDOM: [{ tag: 'li', getAttrs: (dom) => ({ id: idFromDom(dom) }) }],
    toDOM: (node) => withId('li', node.attrs.id),
  },
  text: { group: 'inline' },
  hard_break: {
    inline: true,
    group: 'inline',
    selectable: false,
    parseDOM: [{ tag: 'br' }],
    toDOM: () => ['br'],
  },
};

const marks: Record<string, MarkSpec> = {
  link: {
    attrs: { href: { validate: 'string' }, title: { default: null } },
    inclusive: false,
    parseDOM: [{
      tag: 'a[href]',
      getAttrs: (dom) => {
        if (typeof dom === 'string') return false;
        const href = sanitizeHref(dom.getAttribute('href') ?? '');
        // A link we would not follow is dropped; its text stays.
        return href ? { href, title: dom.getAttribute('title') } : false;
      },
    }],
    toDOM: (mark) => ['a', { href: sanitizeHref(mark.attrs.href as string) ?? '#', title: mark.attrs.title as string | null, rel: 'noopener noreferrer' }, 0],
  },
  em: {
    parseDOM: [
      { tag: 'i' }, { tag: 'em' },
      { style: 'font-style=italic' },
      { style: 'font-style=normal', clearMark: (m) => m.type.name === 'em' },
    ],
    toDOM: () => ['em', 0],
  },
  strong: {
    parseDOM: [
      { tag: 'strong' },
      // Google Docs wraps everything in <b style="font-weight:normal">.
      { tag: 'b', getAttrs: (node) => (node as ParsedElement).style?.fontWeight !== 'normal' && null },
      { style: 'font-weight=400', clearMark: (m) => m.type.name === 'strong' },
      { style: 'font-weight', getAttrs: (value) => /^(bold(er)?|[5-9]\d{2,})$/.test(value as string) && null },
    ],
    toDOM: () => ['strong', 0],
  },
};

export const schema = new Schema({ nodes, marks });

export type ReportSchema = typeof schema;

/** True for nodes that carry a block id. */
export function hasBlockId(typeName: string): boolean {
  return BLOCK_ID_TYPES.includes(typeName);
}
