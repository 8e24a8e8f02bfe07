/**
 * Turns the HTML mammoth makes of a Word document into a report document. ProseMirror's
 * DOMParser needs a browser DOM, which main does not have; mammoth's HTML is simple,
 * well-formed and flat (p, h1–h6, ul/ol/li, blockquote, table, strong, em, a, br, img,
 * sup/sub/s/u), so it is parsed with @xmldom/xmldom (mammoth's own XML parser) and
 * mapped here, element by element, onto the schema:
 *
 * - h1–h6 → heading (levels past 4 become 4); p → paragraph; ul/ol/li → lists;
 *   blockquote → quote; strong/b, em/i → marks; a → link when its target is http(s) or
 *   mailto; br → hard break;
 * - tables keep their text, one paragraph per cell; images and anything else unknown
 *   are dropped (their text, if any, stays) and counted in `dropped`;
 * - numbers our own DOCX export writes before a tab ("12.\t", "II.\t") are removed,
 *   since the editor numbers the text itself.
 */
import { DOMParser } from '@xmldom/xmldom';
import type { Node as PMNode } from 'prosemirror-model';
import { schema, HEADING_LEVELS } from '../../../shared/schema.ts';
import { sanitizeHref } from '../../../shared/links.ts';

type Json = { type: string; attrs?: Record<string, unknown>; content?: Json[]; text?: string; marks?: Json[] };
interface XNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<XNode>;
  getAttribute?(name: string): string | null;
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const EXPORTED_PARAGRAPH_NUMBER = /^\d+\.\t/;
const EXPORTED_HEADING_NUMBER = /^(?:(?:[IVXLCDM]+|[A-Z]|\d+)\.|\([a-z]+\))\t/;

export interface DroppedCounts {
  [what: string]: number;
}

function children(node: XNode): XNode[] {
  return Array.from(node.childNodes);
}

function tag(node: XNode): string {
  return node.nodeName.toLowerCase();
}

class Mapper {
  readonly dropped: DroppedCounts = {};

  drop(what: string): void {
    this.dropped[what] = (this.dropped[what] ?? 0) + 1;
  }

  inline(node: XNode, marks: Json[], out: Json[]): void {
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      const text = (node.nodeValue ?? '').replace(/[\r\n]+/g, ' ');
      if (text) out.push(marks.length ? { type: 'text', text, marks } : { type: 'text', text });
      return;
    }
    if (node.nodeType !== ELEMENT) return;
    const name = tag(node);
    let next = marks;
    if (name === 'br') {
      out.push({ type: 'hard_break' });
      return;
    }
    if (name === 'img') {
      this.drop('image');
      return;
    }
    if (name === 'strong' || name === 'b') next = addMark(marks, { type: 'strong' });
    else if (name === 'em' || name === 'i') next = addMark(marks, { type: 'em' });
    else if (name === 'a') {
      const href = sanitizeHref(node.getAttribute?.('href') ?? '');
      if (href) next = addMark(marks.filter((m) => m.type !== 'link'), { type: 'link', attrs: { href, title: null } });
    }
    for (const child of children(node)) this.inline(child, next, out);
  }

  /** Blocks of a container; loose inline content is gathered into paragraphs. */
  blocks(container: XNode): Json[] {
    const out: Json[] = [];
    let loose: Json[] = [];
    const flush = (): void => {
      if (loose.some((n) => n.type !== 'text' || (n.text ?? '').trim())) out.push(paragraph(loose));
      loose = [];
    };
    for (const node of children(container)) {
      const block = node.nodeType === ELEMENT ? this.block(node) : null;
      if (block) {
        flush();
        out.push(...block);
      } else {
        this.inline(node, [], loose);
      }
    }
    flush();
    return out;
  }

  /** The blocks one element becomes; null when it is inline content. */
  block(node: XNode): Json[] | null {
    const name = tag(node);
    const heading = /^h([1-6])$/.exec(name);
    if (heading) {
      const content = this.inlineOf(node);
      stripLeading(content, EXPORTED_HEADING_NUMBER);
      return [{ type: 'heading', attrs: { level: Math.min(HEADING_LEVELS, Number(heading[1])) }, content }];
    }
    switch (name) {
      case 'p': {
        const content = this.inlineOf(node);
        if (/\bnumbered\b/.test(node.getAttribute?.('class') ?? '')) stripLeading(content, EXPORTED_PARAGRAPH_NUMBER);
        // A paragraph that held only an image (or spacing) leaves nothing behind.
        return content.length ? [paragraph(content)] : [];
      }
      case 'ul':
      case 'ol': {
        const items = children(node).filter((c) => c.nodeType === ELEMENT && tag(c) === 'li').map((li) => this.listItem(li));
        if (items.length === 0) return [];
        const start = Number(node.getAttribute?.('start') ?? 1);
        return [name === 'ol'
          ? { type: 'ordered_list', attrs: { order: Number.isInteger(start) && start >= 0 ? start : 1 }, content: items }
          : { type: 'bullet_list', content: items }];
      }
      case 'blockquote': {
        const content = this.blocks(node);
        return content.length ? [{ type: 'blockquote', content }] : [];
      }
      case 'table':
        this.drop('table');
        return this.tableText(node);
      case 'thead': case 'tbody': case 'tfoot': case 'tr': case 'div': case 'section': case 'article':
        return this.blocks(node);
      case 'hr':
        this.drop('rule');
        return [];
      default:
        return null;
    }
  }

  private inlineOf(node: XNode): Json[] {
    const out: Json[] = [];
    for (const child of children(node)) this.inline(child, [], out);
    return out;
  }

  private listItem(li: XNode): Json {
    const content = this.blocks(li);
    // A list item starts with a paragraph in the schema.
    if (content[0]?.type !== 'paragraph') content.unshift(paragraph([]));
    return { type: 'list_item', content };
  }

  private tableText(table: XNode): Json[] {
    const out: Json[] = [];
    const visit = (node: XNode): void => {
      for (const child of children(node)) {
        if (child.nodeType !== ELEMENT) continue;
        const name = tag(child);
        if (name === 'td' || name === 'th') out.push(...this.blocks(child).filter((b) => b.type !== 'paragraph' || b.content?.length));
        else visit(child);
      }
    };
    visit(table);
    return out;
  }
}

function addMark(marks: Json[], mark: Json): Json[] {
  return marks.some((m) => m.type === mark.type) ? marks : [...marks, mark];
}

function paragraph(content: Json[]): Json {
  return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** Removes a number-and-tab prefix from the first text node (mammoth keeps tabs as \t). */
function stripLeading(content: Json[], pattern: RegExp): void {
  const first = content[0];
  if (first?.type !== 'text' || !first.text) return;
  const match = pattern.exec(first.text);
  if (!match) return;
  first.text = first.text.slice(match[0].length);
  if (!first.text) content.shift();
}

/** Tabs were kept so exported number prefixes could be recognized; the rest are spaces. */
function tabsToSpaces(json: Json): void {
  if (json.text) json.text = json.text.replace(/\t+/g, ' ');
  json.content?.forEach(tabsToSpaces);
}

export class UnreadableHtmlError extends Error {
  override name = 'UnreadableHtmlError';
}

/** The whole HTML fragment as a report document (ids null; see fresh-ids.ts). */
export function htmlToDoc(html: string): { doc: PMNode; dropped: DroppedCounts } {
  const problems: string[] = [];
  const record = (msg: unknown): void => void problems.push(String(msg));
  const dom = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } })
    .parseFromString(`<body>${html}</body>`, 'text/html');
  if (problems.length > 0) throw new UnreadableHtmlError(`The converted document could not be read: ${problems[0]}`);
  const body = (dom as unknown as { getElementsByTagName(name: string): ArrayLike<XNode> }).getElementsByTagName('body')[0];
  const mapper = new Mapper();
  const blocks = body ? mapper.blocks(body) : [];
  const json: Json = { type: 'doc', content: blocks.length ? blocks : [paragraph([])] };
  tabsToSpaces(json);
  const doc = schema.nodeFromJSON(json);
  doc.check();
  return { doc, dropped: mapper.dropped };
}
