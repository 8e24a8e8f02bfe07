/**
 * Markdown for the report schema, through prosemirror-markdown: headings (four levels),
 * paragraphs, bulleted and numbered lists, block quotes, bold, italic, links and hard
 * breaks. Round-trippable: serialize → parse gives the same structure and text, and
 * parse → serialize → parse → serialize is stable after the first pass.
 *
 * An exported file may carry a small front matter (title, body, place, date) and the
 * editor's numbers written into the text ("## II. Public policy", "12\. The group…");
 * `numbered: true` in the front matter tells the parser to strip those numbers again,
 * since the editor derives them. Everything after the annex marker is the annex, which
 * is a report about the text, not text: the parser ignores it.
 *
 * Markdown the schema cannot hold (code, rules, images, tables, raw HTML) is not parsed
 * as such: it stays as plain text, so nothing a draft says is silently lost.
 */
import MarkdownIt from 'markdown-it';
import { MarkdownParser, MarkdownSerializer, defaultMarkdownSerializer, type MarkdownSerializerState } from 'prosemirror-markdown';
import type { Mark, Node as PMNode } from 'prosemirror-model';
import { schema, HEADING_LEVELS, headingLevel } from '../schema.ts';
import { sanitizeHref } from '../links.ts';
import type { BlockNumbers } from './model.ts';

export const ANNEX_MARKER = '<!-- plenary:annex -->';
/** The table of contents an export may carry: generated, so never imported as text. */
const CONTENTS_BLOCK = /<!-- plenary:contents -->[\s\S]*?<!-- \/plenary:contents -->[ \t]*\r?\n?/;

export interface MarkdownFrontMatter {
  title?: string;
  body?: string;
  place?: string;
  date?: string;
  /** The text carries the editor's numbers, which the parser strips. */
  numbered?: boolean;
}

function tokenizer(): MarkdownIt {
  const md = new MarkdownIt('commonmark', { html: false, linkify: false });
  // Constructs the schema has no place for stay literal text rather than vanish.
  md.disable(['code', 'fence', 'hr', 'html_block', 'html_inline', 'image', 'backticks'], true);
  // Links we would not follow (javascript:, data:, relative) stay text.
  md.validateLink = (url: string): boolean => sanitizeHref(url) !== null;
  return md;
}

const parser = new MarkdownParser(schema, tokenizer(), {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph' },
  list_item: { block: 'list_item' },
  bullet_list: { block: 'bullet_list' },
  ordered_list: {
    block: 'ordered_list',
    getAttrs: (tok) => {
      const start = Number(tok.attrGet('start') ?? 1);
      return { order: Number.isInteger(start) && start >= 0 ? start : 1 };
    },
  },
  heading: {
    block: 'heading',
    getAttrs: (tok) => ({ level: Math.min(HEADING_LEVELS, Math.max(1, Number(tok.tag.slice(1)) || 1)) }),
  },
  hardbreak: { node: 'hard_break' },
  em: { mark: 'em' },
  strong: { mark: 'strong' },
  link: {
    mark: 'link',
    getAttrs: (tok) => ({ href: sanitizeHref(tok.attrGet('href') ?? '') ?? '', title: tok.attrGet('title') || null }),
  },
});

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits front matter, body and annex; the annex is dropped. */
export function splitMarkdownFile(text: string): { front: MarkdownFrontMatter; body: string } {
  let rest = text.replace(/^\uFEFF/, '');
  const front: MarkdownFrontMatter = {};
  const match = FRONT_MATTER.exec(rest);
  if (match) {
    for (const line of match[1]!.split(/\r?\n/)) {
      const kv = /^([a-z]+):\s*(.*)$/.exec(line.trim());
      if (!kv) continue;
      const key = kv[1]!;
      const value = parseScalar(kv[2]!);
      if (key === 'numbered') front.numbered = value === 'true';
      else if (key === 'title' || key === 'body' || key === 'place' || key === 'date') front[key] = value;
    }
    rest = rest.slice(match[0].length);
  }
  rest = rest.replace(CONTENTS_BLOCK, '');
  const annexAt = rest.indexOf(ANNEX_MARKER);
  if (annexAt >= 0) rest = rest.slice(0, annexAt);
  return { front, body: rest };
}

function parseScalar(raw: string): string {
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw);
      return typeof value === 'string' ? value : '';
    } catch {
      return raw.slice(1, raw.endsWith('"') ? -1 : undefined);
    }
  }
  return raw;
}

/**
 * An empty paragraph (a blank line the drafters kept, perhaps numbered) is written as
 * `&nbsp;`, as Markdown authors do: it shows as a blank paragraph wherever the file is
 * read, and a paragraph holding nothing but that one no-break space reads back as empty.
 * (A paragraph whose whole text is one no-break space therefore comes back empty; Markdown
 * trims such a paragraph away entirely in any case.)
 */
const EMPTY_PARAGRAPH = '&nbsp;';
const NO_BREAK_SPACE = '\u00a0';

/** Paragraphs that hold only the stand-in become empty again, at any depth. */
function restoreEmptyParagraphs(node: PMNode): PMNode {
  if (node.type.name === 'paragraph') {
    return node.childCount === 1 && node.firstChild!.isText && node.firstChild!.text === NO_BREAK_SPACE ? node.type.create(node.attrs) : node;
  }
  if (node.isTextblock || node.isLeaf) return node;
  let changed = false;
  const children: PMNode[] = [];
  node.forEach((child) => {
    const restored = restoreEmptyParagraphs(child);
    changed ||= restored !== child;
    children.push(restored);
  });
  return changed ? node.type.create(node.attrs, children, node.marks) : node;
}

const PARAGRAPH_NUMBER = /^\d+\.\s+/;
const HEADING_NUMBER = /^(?:(?:[IVXLCDM]+|[A-Z]|\d+)\.|\([a-z]+\))\s+/;

/** Removes a leading number the exporter wrote from a top-level block's first text. */
function stripNumber(node: PMNode, pattern: RegExp): PMNode {
  const first = node.firstChild;
  if (!first?.isText || !first.text) return node;
  const match = pattern.exec(first.text);
  if (!match) return node;
  const rest = first.text.slice(match[0].length);
  const children: PMNode[] = [];
  if (rest) children.push(schema.text(rest, first.marks));
  node.forEach((child, _offset, index) => {
    if (index > 0) children.push(child);
  });
  return node.type.create(node.attrs, children, node.marks);
}

/**
 * Parses Markdown into a report document. Block ids are left null; the importer gives
 * every block a fresh one. Never throws on odd input: unknown constructs become text.
 */
export function parseMarkdown(text: string): { doc: PMNode; front: MarkdownFrontMatter } {
  const { front, body } = splitMarkdownFile(text);
  let doc = parser.parse(body);
  if (front.numbered) {
    const blocks: PMNode[] = [];
    doc.forEach((block) => {
      if (block.type.name === 'paragraph') blocks.push(stripNumber(block, PARAGRAPH_NUMBER));
      else if (block.type.name === 'heading') blocks.push(stripNumber(block, HEADING_NUMBER));
      else blocks.push(block);
    });
    doc = schema.node('doc', null, blocks);
  }
  doc = restoreEmptyParagraphs(doc);
  if (doc.childCount === 0) doc = schema.node('doc', null, [schema.node('paragraph')]);
  return { doc, front };
}

/** Links we would not follow lose their mark (their text stays), as on paste. */
const linkMark = {
  open: (_state: MarkdownSerializerState, mark: Mark): string => (sanitizeHref(String(mark.attrs.href)) ? '[' : ''),
  close: (_state: MarkdownSerializerState, mark: Mark): string => {
    const href = sanitizeHref(String(mark.attrs.href));
    if (!href) return '';
    const title = typeof mark.attrs.title === 'string' && mark.attrs.title ? ` "${mark.attrs.title.replace(/["\\]/g, '\\$&')}"` : '';
    return `](${href.replace(/[()\\<> ]/g, '\\$&')}${title})`;
  },
};

/** How many siblings of the node's own type come directly before it. */
function sameTypeRun(parent: PMNode, index: number): number {
  const type = parent.child(index).type;
  let run = 0;
  for (let i = index - 1; i >= 0 && parent.child(i).type === type; i--) run++;
  return run;
}

/** The serializer's output so far: public in prosemirror-markdown, missing from its typings. */
function outOf(state: MarkdownSerializerState): { out: string } {
  return state as unknown as { out: string };
}

type Escaper = (text: string, startOfLine?: boolean) => string;
const patched = new WeakSet<object>();
const lineStarts = new WeakSet<object>();

/**
 * Every underscore not yet escaped. prosemirror-markdown leaves an underscore between two
 * word characters as it is (intraword), but counts "_" itself as a word character, so in
 * "___" the middle one stays bare and CommonMark can read it, with its neighbours, as
 * emphasis (found by the round-trip property with the text "___+___").
 */
function escapeUnderscores(escaped: string): string {
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const char = escaped[i]!;
    if (char === '\\' && i + 1 < escaped.length) {
      out += char + escaped[++i]!;
    } else {
      out += char === '_' ? '\\_' : char;
    }
  }
  return out;
}

/**
 * prosemirror-markdown escapes most of what CommonMark would read as syntax; these it
 * misses would turn text into structure on the way back: "+" or "1." alone on a line
 * (an empty list item), "1) " (a list), "=" at a line start (a setext heading under the
 * line before), "<scheme:" (an autolink) and "&name;" (an entity); and it does not
 * treat the text after a hard break as the start of a line ("> x" there is a quote).
 */
function escapeFully(state: MarkdownSerializerState): void {
  if (patched.has(state)) return;
  patched.add(state);
  const target = state as unknown as { esc: Escaper };
  const original = target.esc.bind(state);
  target.esc = (text, atStart = false) => {
    const startOfLine = atStart || lineStarts.delete(state);
    let out = escapeUnderscores(original(text, startOfLine))
      .replace(/<(?=[A-Za-z])/g, '\\<')
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
    if (startOfLine) {
      out = out.replace(/^\+(?=\s|$)/, '\\+').replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2').replace(/^=/, '\\=');
    }
    return out;
  };
}

/**
 * A list is written tight when each item is one paragraph, loose otherwise: in a tight
 * item a nested numbered list would interrupt the paragraph, which CommonMark allows
 * only for lists starting at 1, so anything else would read back as text.
 */
function withTightness(state: MarkdownSerializerState, list: PMNode, render: () => void): void {
  let tight = true;
  list.forEach((item) => {
    if (item.childCount > 1) tight = false;
  });
  const options = state.options as { tightLists?: boolean };
  const saved = options.tightLists;
  options.tightLists = tight;
  try {
    render();
  } finally {
    options.tightLists = saved;
  }
}

type NodeSerializer = (state: MarkdownSerializerState, node: PMNode, parent: PMNode, index: number) => void;

function serializer(numbers: BlockNumbers | null): MarkdownSerializer {
  const base = defaultMarkdownSerializer.nodes;
  const numberOf = (parent: PMNode, index: number): string =>
    numbers && parent.type.name === 'doc' ? numbers.get(index) ?? '' : '';
  const nodes: Record<string, NodeSerializer> = {
    blockquote: base.blockquote!,
    // Two lists in a row need different markers, or CommonMark reads them as one.
    bullet_list(state, node, parent, index) {
      const bullet = sameTypeRun(parent, index) % 2 === 0 ? '*' : '-';
      withTightness(state, node, () => state.renderList(node, '  ', () => `${bullet} `));
    },
    ordered_list(state, node, parent, index) {
      const delimiter = sameTypeRun(parent, index) % 2 === 0 ? '.' : ')';
      const start = Number(node.attrs.order) || 0;
      const width = String(start + node.childCount - 1).length;
      withTightness(state, node, () => state.renderList(node, ' '.repeat(width + 2), (i) => {
        const label = String(start + i);
        return `${' '.repeat(width - label.length)}${label}${delimiter} `;
      }));
    },
    list_item: base.list_item!,
    hard_break: base.hard_break!,
    text(state, node) {
      escapeFully(state);
      // After a hard break the text starts a line, which prosemirror-markdown does not see.
      if (outOf(state).out.endsWith('\\\n')) lineStarts.add(state);
      state.text(node.text ?? '', !(state as unknown as { inAutolink?: boolean }).inAutolink);
    },
    heading(state, node, parent, index) {
      state.write(`${'#'.repeat(headingLevel(node.attrs.level))} `);
      const num = numberOf(parent, index);
      if (num) state.write(`${num.replace(/^(\d+)\./, '$1\\.')} `);
      state.renderInline(node, false);
      // A heading ending in " #" would lose it as an ATX closing sequence.
      const output = outOf(state);
      const lineStart = output.out.lastIndexOf('\n') + 1;
      output.out = output.out.slice(0, lineStart) + output.out.slice(lineStart).replace(/(^|[ \t])(#+)([ \t]*)$/, '$1\\$2$3');
      state.closeBlock(node);
    },
    paragraph(state, node, parent, index) {
      const num = numberOf(parent, index);
      // "12\." so the number is text, not an ordered list.
      if (num) state.write(`${num.replace('.', '\\.')} `);
      // Markdown has no empty paragraph: write the usual stand-in, which reads back as one.
      if (node.content.size === 0) state.write(EMPTY_PARAGRAPH);
      else state.renderInline(node);
      state.closeBlock(node);
    },
  };
  const { em, strong } = defaultMarkdownSerializer.marks;
  return new MarkdownSerializer(nodes, { em: em!, strong: strong!, link: linkMark }, { strict: true });
}

const plainSerializer = serializer(null);

/** Top-level blocks per serializer run; see `serializeInChunks`. */
const CHUNK_BLOCKS = 50;

/**
 * prosemirror-markdown tests its whole output with end-anchored regular expressions at
 * every block, which grows with the square of the document (16 s for a 100-page report
 * here). Serializing runs of top-level blocks separately and joining them with the blank
 * line the serializer puts between top-level blocks gives the same text in linear time.
 * A run only ends before a paragraph or heading, so two adjacent lists (which need
 * alternating markers) are always written by the same run.
 */
function serializeInChunks(doc: PMNode, numbers: BlockNumbers | null): string {
  const parts: string[] = [];
  let start = 0;
  const count = doc.childCount;
  for (let end = 1; end <= count; end++) {
    const boundary = end === count || (end - start >= CHUNK_BLOCKS && ['paragraph', 'heading'].includes(doc.child(end).type.name));
    if (!boundary) continue;
    const blocks: PMNode[] = [];
    for (let i = start; i < end; i++) blocks.push(doc.child(i));
    let chunkSerializer = plainSerializer;
    if (numbers) {
      const local = new Map<number, string>();
      for (let i = start; i < end; i++) {
        const label = numbers.get(i);
        if (label) local.set(i - start, label);
      }
      chunkSerializer = serializer(local);
    }
    parts.push(chunkSerializer.serialize(doc.type.create(doc.attrs, blocks), { tightLists: true }));
    start = end;
  }
  return parts.join('\n\n') + '\n';
}

/** The document's text as Markdown, without numbers: the round-trippable form. */
export function serializeMarkdown(doc: PMNode): string {
  return serializeInChunks(doc, null);
}

/** The document with the editor's numbers written in (see the module comment). */
export function serializeNumberedMarkdown(doc: PMNode, numbers: BlockNumbers): string {
  return serializeInChunks(doc, numbers);
}

export function frontMatter(fields: MarkdownFrontMatter): string {
  const lines = ['---'];
  for (const key of ['title', 'body', 'place', 'date'] as const) {
    const value = fields[key];
    if (value) lines.push(`${key}: ${JSON.stringify(value)}`);
  }
  if (fields.numbered) lines.push('numbered: true');
  lines.push('---', '');
  return lines.join('\n');
}
