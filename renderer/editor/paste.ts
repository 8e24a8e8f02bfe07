/**
 * Paste from a browser or a word processor: ProseMirror's clipboard parser reads the
 * HTML with our schema, which keeps headings, paragraphs, lists, quotes, bold, italic
 * and safe links and drops everything else (images, tables' chrome, scripts, styles,
 * `javascript:` links). Before that, Word's HTML is tidied here: its conditional
 * comments, Office XML, `<o:p>` and `mso-` styles go, and its list paragraphs
 * (`<p class=MsoListParagraph style="mso-list:l0 level1 lfo1">` with a typed bullet) become
 * real `<ul>`/`<ol>` lists, so a bulleted list pastes as a list.
 *
 * A paste larger than MAX_PASTE_CHARS is refused whole, with a message: a half-pasted
 * document is worse than none.
 */
import { Slice } from 'prosemirror-model';
import type { EditorView } from 'prosemirror-view';

export const MAX_PASTE_CHARS = 1_000_000;
/** Word's HTML is verbose; this bounds the work of parsing it at all. */
export const MAX_PASTE_HTML = 16 * MAX_PASTE_CHARS;

export function oversizedPasteMessage(chars: number): string {
  return `That paste is too large (${chars.toLocaleString('en')} characters; at most ${MAX_PASTE_CHARS.toLocaleString('en')} at once). Nothing was pasted: paste it in parts.`;
}

/** Where a pasted element's `style` attribute is kept while we read it (see hideStyles). */
const PASTE_STYLE = 'data-paste-style';

const ORDERED_MARKER = /^\(?([0-9]+|[a-z]{1,3}|[ivxlcdm]+)[.)]$/i;

interface ListParagraph {
  element: HTMLElement;
  level: number;
  ordered: boolean;
}

/** Word marks list paragraphs with `mso-list: lN levelM lfoK` in their style. */
function listParagraph(element: Element): ListParagraph | null {
  if (element.tagName !== 'P' && !/^H[1-6]$/.test(element.tagName)) return null;
  const style = element.getAttribute(PASTE_STYLE) ?? '';
  const match = /mso-list:\s*l\d+\s+level(\d+)/i.exec(style);
  if (!match) return null;
  // The typed marker ("·", "o", "1.", "a)") sits in a span styled mso-list:Ignore.
  const ignore = [...element.querySelectorAll('span')].find((span) => /mso-list:\s*ignore/i.test(span.getAttribute(PASTE_STYLE) ?? ''));
  const marker = (ignore?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
  ignore?.remove();
  return { element: element as HTMLElement, level: Math.max(1, Number(match[1])), ordered: ORDERED_MARKER.test(marker) };
}

/** Turns runs of Word list paragraphs into nested <ul>/<ol> elements, in place. */
function rebuildWordLists(root: HTMLElement): void {
  const doc = root.ownerDocument;
  const paragraphs = [...root.querySelectorAll('p, h1, h2, h3, h4, h5, h6')];
  let stack: { list: HTMLElement; level: number }[] = [];
  let lastItem: HTMLElement | null = null;
  for (const element of paragraphs) {
    const item = listParagraph(element);
    if (!item) continue;
    const continues = stack.length > 0 && adjacent(stack[0]!.list, element);
    if (!continues) stack = [];
    while (stack.length > 0 && stack[stack.length - 1]!.level > item.level) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.level < item.level) {
      const list = doc.createElement(item.ordered ? 'ol' : 'ul');
      if (top && lastItem) lastItem.appendChild(list);
      else element.before(list);
      top = { list, level: item.level };
      stack.push(top);
    }
    const li = doc.createElement('li');
    const p = doc.createElement('p');
    p.append(...element.childNodes);
    li.appendChild(p);
    top.list.appendChild(li);
    element.remove();
    lastItem = li;
  }
}

/** True when `element` directly follows `list` (only whitespace between). */
function adjacent(list: HTMLElement, element: Element): boolean {
  let node = list.nextSibling;
  while (node && node.nodeType === Node.TEXT_NODE && !(node.textContent ?? '').trim()) node = node.nextSibling;
  return node === element;
}

function stripOfficeMarkup(root: HTMLElement): void {
  for (const element of [...root.querySelectorAll('meta, link, title, xml')]) element.remove();
  // Office namespaced elements: <o:p>, <v:shape>, <w:…>. Keep their text, if any.
  for (const element of [...root.querySelectorAll('*')]) {
    if (element.tagName.includes(':')) element.replaceWith(...element.childNodes);
  }
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  const comments: Node[] = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const comment of comments) comment.parentNode?.removeChild(comment);
  for (const element of [...root.querySelectorAll(`[${PASTE_STYLE}]`)]) {
    const kept = (element.getAttribute(PASTE_STYLE) ?? '')
      .split(';')
      .filter((rule) => rule.trim() && !/^\s*mso-/i.test(rule))
      .join(';');
    if (kept) element.setAttribute(PASTE_STYLE, kept);
    else element.removeAttribute(PASTE_STYLE);
  }
  for (const element of [...root.querySelectorAll('[class]')]) {
    if (/^Mso/.test(element.getAttribute('class') ?? '')) element.removeAttribute('class');
  }
}

/**
 * Word wraps VML and Office XML in conditional comments (dropped whole) and its typed
 * list markers in `<![if !supportLists]>…<![endif]>` (kept: the marker tells a bulleted
 * list from a numbered one; rebuildWordLists removes it).
 */
function stripConditionalComments(html: string): string {
  return html
    .replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, '')
    .replace(/<!\[(?:if[^\]]*|endif)\]>/gi, '');
}

/**
 * Our CSP forbids inline styles, so the browser would not read a pasted `style`
 * attribute (and logs each one). Styles are renamed before parsing and the two that mean
 * something to a report, bold and italic, become <strong> and <em>.
 */
function hideStyles(html: string): string {
  return html
    .replace(/<style[\s>][\s\S]*?<\/style\s*>/gi, '').replace(/(<[a-z][^>]*?\s)style(\s*=)/gi, `$1${PASTE_STYLE}$2`);
}

function applyStyleMarks(root: HTMLElement): void {
  const doc = root.ownerDocument;
  for (const element of [...root.querySelectorAll(`[${PASTE_STYLE}]`)]) {
    const style = element.getAttribute(PASTE_STYLE) ?? '';
    element.removeAttribute(PASTE_STYLE);
    const weight = /(?:^|;)\s*font-weight\s*:\s*([^;]+)/i.exec(style)?.[1]?.trim().toLowerCase();
    const fontStyle = /(?:^|;)\s*font-style\s*:\s*([^;]+)/i.exec(style)?.[1]?.trim().toLowerCase();
    // Google Docs wraps a whole copy in <b style="font-weight:normal">: not bold.
    if (element.tagName === 'B' && (weight === 'normal' || weight === '400')) {
      element.replaceWith(...element.childNodes);
      continue;
    }
    const wrappers: string[] = [];
    if (weight && /^(bold|bolder|[6-9]00)$/.test(weight) && !/^(B|STRONG|H[1-6])$/.test(element.tagName)) wrappers.push('strong');
    if (fontStyle === 'italic' && !/^(I|EM)$/.test(element.tagName)) wrappers.push('em');
    for (const tag of wrappers) {
      const wrapper = doc.createElement(tag);
      wrapper.append(...element.childNodes);
      element.append(wrapper);
    }
  }
}

/** Paragraphs left with no words once images and Office markup are gone. */
function dropEmptyParagraphs(root: HTMLElement): void {
  for (const p of [...root.querySelectorAll('p')]) {
    if (!(p.textContent ?? '').replace(/[\s\u00a0]+/g, '') && !p.querySelector('br')) p.remove();
  }
}

/** ProseMirror's `transformPastedHTML`: Word and browser HTML, tidied for our parser. */
export function tidyPastedHtml(html: string): string {
  if (html.length > MAX_PASTE_HTML) return '';
  const isWord = /urn:schemas-microsoft-com|mso-|class="?Mso/i.test(html);
  const parsed = new DOMParser().parseFromString(hideStyles(stripConditionalComments(html)), 'text/html');
  const body = parsed.body;
  for (const element of [...body.querySelectorAll('style, script, template, object, embed, iframe, img, svg, video, audio, picture')]) element.remove();
  if (isWord) {
    // Lists first: they read the mso-list styles that stripping removes.
    rebuildWordLists(body);
    stripOfficeMarkup(body);
  }
  applyStyleMarks(body);
  dropEmptyParagraphs(body);
  return body.innerHTML;
}

/**
 * ProseMirror's `transformPasted`: a pasted heading stays a heading. A slice open at its
 * start would pour the heading's words into the paragraph at the caret.
 */
export function keepPastedHeadings(slice: Slice): Slice {
  const first = slice.content.firstChild;
  const last = slice.content.lastChild;
  const openStart = first?.type.name === 'heading' ? 0 : slice.openStart;
  const openEnd = last?.type.name === 'heading' && slice.content.childCount > 1 ? 0 : slice.openEnd;
  if (openStart === slice.openStart && openEnd === slice.openEnd) return slice;
  return new Slice(slice.content, openStart, openEnd);
}

/**
 * `handleDOMEvents.paste`: refuses a clipboard too large to parse, before ProseMirror
 * reads it.
 */
export function refuseOversizedClipboard(report: (message: string) => void) {
  return (_view: EditorView, event: ClipboardEvent): boolean => {
    const html = event.clipboardData?.getData('text/html') ?? '';
    const text = event.clipboardData?.getData('text/plain') ?? '';
    if (text.length <= MAX_PASTE_CHARS && html.length <= MAX_PASTE_HTML) return false;
    event.preventDefault();
    report(oversizedPasteMessage(Math.max(text.length, html.length)));
    return true;
  };
}

/**
 * `handlePaste`: refuses a paste that is too large, before anything changes. Returns
 * true (handled) when refused so ProseMirror does nothing.
 */
export function refuseOversizedPaste(report: (message: string) => void) {
  return (_view: EditorView, event: ClipboardEvent, slice: Slice): boolean => {
    const html = event.clipboardData?.getData('text/html') ?? '';
    const text = event.clipboardData?.getData('text/plain') ?? '';
    const size = Math.max(slice.content.size, text.length);
    if (size > MAX_PASTE_CHARS || html.length > MAX_PASTE_HTML) {
      report(oversizedPasteMessage(Math.max(size, text.length)));
      return true;
    }
    return false;
  };
}
