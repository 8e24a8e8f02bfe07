/**
 * The report as one self-contained HTML file: inline CSS with print rules (`@page`), no
 * scripts, no external resources, every text and attribute escaped. The same string is
 * printed to PDF (Electron's printToPDF, or Chromium's page.pdf in the browser host and
 * tests), so HTML and PDF never disagree.
 */
import { escapeMarkup as esc, safeIdPart } from './escape.ts';
import {
  ANNEX_STATUS_LABEL, formatReadiness, sectionLabel, stanceLabel, type AnnexData,
} from './annex.ts';
import { isLineBreak, type ExportBlock, type ExportDocument, type Inline } from './model.ts';

/**
 * Where the printed page numbers sit: the bottom margins of the body's pages (A4 portrait)
 * and of the annex's (A4 landscape), and the numbers' size. A split print stamps its page
 * numbers itself (main/services/export/pdf-join.ts) and reads them from here.
 */
export const PAGE_NUMBERS = { fontSizePt: 9, bodyBottomMarginMm: 22, annexBottomMarginMm: 18 } as const;

const CSS = `
@page { size: A4; margin: 25mm 22mm ${PAGE_NUMBERS.bodyBottomMarginMm}mm 22mm; @bottom-center { content: counter(page); font: ${PAGE_NUMBERS.fontSizePt}pt "Times New Roman", "Liberation Serif", serif; } }
@page :first { @bottom-center { content: none; } }
@page annex { size: A4 landscape; margin: ${PAGE_NUMBERS.annexBottomMarginMm}mm 15mm; }
:root { color-scheme: light; }
html { background: #fff; color: #111; }
body { font-family: "Times New Roman", "Liberation Serif", Tinos, serif; font-size: 12pt; line-height: 1.4; max-width: 44em; margin: 2.5em auto; padding: 0 1.5em; }
a { color: #1a4e8a; }
.draft-banner { border: 1px solid #b45309; color: #7c2d12; background: #fff7ed; padding: .4em .8em; margin-bottom: 1.5em; font-family: Arial, "Liberation Sans", sans-serif; font-size: 10pt; }
.title-page { text-align: center; padding-top: 20vh; min-height: 60vh; break-after: page; page-break-after: always; }
.title-page .title { font-size: 22pt; font-weight: bold; margin: 0 0 1.2em; }
.title-page .issuer { font-size: 14pt; margin: 0 0 .6em; }
.title-page .place-date { font-size: 12pt; }
nav.toc { break-after: page; page-break-after: always; }
nav.toc h2 { font-size: 14pt; }
nav.toc p { margin: .2em 0; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc .toc-l2 { padding-left: 2em; } nav.toc .toc-l3 { padding-left: 4em; } nav.toc .toc-l4 { padding-left: 6em; }
h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; line-height: 1.25; }
h1 { font-size: 15pt; margin: 1.6em 0 .8em; }
h2 { font-size: 13pt; margin: 1.4em 0 .6em; }
h3 { font-size: 12pt; margin: 1.2em 0 .5em; }
h4 { font-size: 12pt; font-weight: normal; font-style: italic; margin: 1em 0 .4em; }
.hnum { display: inline-block; min-width: 2.5em; }
p { margin: 0 0 .7em; orphans: 2; widows: 2; }
p.para { padding-left: 2.8em; text-indent: -2.8em; text-align: justify; }
p.para > .pnum { display: inline-block; width: 2.8em; text-indent: 0; }
.standing-mark { font-size: 8pt; vertical-align: super; color: #7c2d12; text-decoration: none; }
blockquote { margin: .5em 0 .8em 2.8em; padding-left: 1em; border-left: 2px solid #999; }
ul, ol { margin: 0 0 .7em 2.8em; padding-left: 1.4em; }
li > p { margin-bottom: .3em; }
section.annex { page: annex; break-before: page; page-break-before: always; max-width: none; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: .6em 0 1.2em; }
th, td { border: 1px solid #555; padding: .25em .4em; text-align: left; vertical-align: top; }
thead th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.s-recognized { background: #dcfce7; } td.s-partly { background: #fef9c3; }
td.s-objection { background: #fee2e2; } td.s-none { background: #f4f4f5; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .title-page { padding-top: 35%; }
  td.s-recognized, td.s-partly, td.s-objection, td.s-none, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`.replace(/\n\s*/g, '\n').trim();

function anchor(prefix: string, id: string): string {
  return `${prefix}-${safeIdPart(id)}`;
}

export function inlinesToHtml(inlines: readonly Inline[]): string {
  let out = '';
  for (const inline of inlines) {
    if (isLineBreak(inline)) {
      out += '<br>';
      continue;
    }
    let html = esc(inline.text);
    if (inline.italic) html = `<em>${html}</em>`;
    if (inline.bold) html = `<strong>${html}</strong>`;
    if (inline.href) html = `<a href="${esc(inline.href)}" rel="noopener noreferrer">${html}</a>`;
    out += html;
  }
  return out;
}

function blocksToHtml(blocks: readonly ExportBlock[], doc: ExportDocument, out: string[]): void {
  const clean = doc.options.clean;
  const idAttr = (prefix: string, id: string): string => (clean ? '' : ` id="${anchor(prefix, id)}"`);
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading': {
        const num = block.num ? `<span class="hnum">${esc(block.num)}</span> ` : '';
        // Headings keep their anchor in clean mode: the table of contents links to them.
        out.push(`<h${block.level} id="${anchor('h', block.id)}">${num}${inlinesToHtml(block.inlines)}</h${block.level}>`);
        break;
      }
      case 'paragraph': {
        const mark = block.standing > 0
          ? ` <a class="standing-mark" href="#${anchor('standing', block.id)}" title="Standing reservations or objections">[${block.standing}]</a>`
          : '';
        if (block.num) {
          out.push(`<p class="para"${idAttr('p', block.id)}><span class="pnum">${esc(block.num)}</span>${inlinesToHtml(block.inlines)}${mark}</p>`);
        } else {
          out.push(`<p${idAttr('p', block.id)}>${inlinesToHtml(block.inlines)}${mark}</p>`);
        }
        break;
      }
      case 'list': {
        const tag = block.ordered ? 'ol' : 'ul';
        const start = block.ordered && block.start !== 1 ? ` start="${block.start}"` : '';
        out.push(`<${tag}${start}>`);
        for (const item of block.items) {
          out.push(`<li${idAttr('li', item.id)}>`);
          blocksToHtml(item.blocks, doc, out);
          out.push('</li>');
        }
        out.push(`</${tag}>`);
        break;
      }
      case 'quote':
        out.push(`<blockquote${idAttr('q', block.id)}>`);
        blocksToHtml(block.blocks, doc, out);
        out.push('</blockquote>');
        break;
    }
  }
}

function titlePageHtml(doc: ExportDocument): string {
  const { title, body, place, date } = doc.meta;
  const placeDate = [place, date].filter(Boolean).join(', ');
  return [
    '<header class="title-page">',
    body ? `<p class="issuer">${esc(body)}</p>` : '',
    `<h1 class="title">${esc(title || 'Untitled report')}</h1>`,
    placeDate ? `<p class="place-date">${esc(placeDate)}</p>` : '',
    '</header>',
  ].filter(Boolean).join('\n');
}

function tocHtml(doc: ExportDocument): string {
  const lines = ['<nav class="toc" aria-label="Contents">', '<h2>Contents</h2>'];
  for (const entry of doc.toc) {
    const label = entry.num ? `${entry.num} ${entry.text}` : entry.text;
    lines.push(`<p class="toc-l${entry.level}"><a href="#${anchor('h', entry.id)}">${esc(label)}</a></p>`);
  }
  if (doc.annex) lines.push('<p class="toc-l1"><a href="#annex">Annex: Endorsement by stakeholder group</a></p>');
  lines.push('</nav>');
  return lines.join('\n');
}

export function annexHtml(annex: AnnexData): string {
  const out: string[] = ['<section class="annex" id="annex">', '<h1>Annex</h1>', '<h2>Endorsement of the report by stakeholder group</h2>'];
  out.push(`<p>Consensus rule: ${esc(annex.ruleLabel)}. Readiness: <strong>${esc(formatReadiness(annex.readiness))}</strong> of the report's blocks are recognized by every stakeholder group. Only verified stances on the current text are counted.</p>`);
  out.push(`<table class="annex-table"><thead><tr><th scope="col">Section</th>${annex.groups.map((g) => `<th scope="col">${esc(g.label)}</th>`).join('')}</tr></thead><tbody>`);
  for (const section of annex.sections) {
    const cells = annex.groups.map((group) => {
      const status = section.cells[group.id] ?? 'none';
      return `<td class="s-${status}">${esc(ANNEX_STATUS_LABEL[status])}</td>`;
    });
    out.push(`<tr><th scope="row">${esc(sectionLabel(section))}</th>${cells.join('')}</tr>`);
  }
  out.push('</tbody></table>');
  out.push('<h2>Standing reservations and objections</h2>');
  if (annex.standing.length === 0) {
    out.push('<p>None.</p>');
  } else {
    out.push('<table class="standing-table"><thead><tr><th scope="col">Paragraph</th><th scope="col">Stance</th><th scope="col">Member</th><th scope="col">Group</th><th scope="col">Note</th></tr></thead><tbody>');
    const anchored = new Set<string>();
    for (const s of annex.standing) {
      // The first entry of a paragraph is the target of the marker in the text.
      const id = anchored.has(s.blockId) ? '' : ` id="${anchor('standing', s.blockId)}"`;
      anchored.add(s.blockId);
      out.push(`<tr${id}><td>${esc(s.ref || '—')}</td><td>${esc(stanceLabel(s.stance))}</td><td>${esc(s.memberName)}</td><td>${esc(s.groupLabel)}</td><td>${esc(s.note)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out.join('\n');
}

/**
 * The HTML file in pieces: everything before the body's blocks, each top-level block's
 * markup, and the annex. `renderHtml` joins them; a split print (`print-parts.ts`) cuts
 * the blocks in two. Progress is reported per chunk of blocks; `onBlocks` may throw to cancel.
 */
export interface HtmlPieces {
  /** `<!DOCTYPE html>` … `<style>` (without `</head>`). */
  head: string[];
  /** Draft banner, title page, contents: the start of the body, before `<main>`. */
  front: string[];
  /** One string per top-level block, in order. */
  blocks: string[];
  /** The annex section, or '' without one. */
  annex: string;
}

export function renderHtmlPieces(doc: ExportDocument, onBlocks?: (done: number, total: number) => void): HtmlPieces {
  const head: string[] = [];
  head.push('<!DOCTYPE html>');
  head.push('<html lang="en">');
  head.push('<head>');
  head.push('<meta charset="utf-8">');
  // No network, no scripts: the file must open the same anywhere, forever.
  head.push('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">');
  head.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  head.push(`<title>${esc(doc.meta.title || 'Untitled report')}</title>`);
  head.push(`<style>\n${CSS}\n</style>`);
  const front: string[] = [];
  if (!doc.options.clean) {
    const markers = doc.annex && doc.annex.standing.length > 0 ? ' Markers [n] point to standing reservations and objections in the annex.' : '';
    front.push(`<p class="draft-banner">Draft — not the final text.${markers}</p>`);
  }
  if (doc.options.titlePage) front.push(titlePageHtml(doc));
  if (doc.options.toc && (doc.toc.length > 0 || doc.annex)) front.push(tocHtml(doc));
  const blocks: string[] = [];
  const chunk = 200;
  for (let i = 0; i < doc.blocks.length; i += chunk) {
    for (const block of doc.blocks.slice(i, i + chunk)) {
      const lines: string[] = [];
      blocksToHtml([block], doc, lines);
      blocks.push(lines.join('\n'));
    }
    onBlocks?.(Math.min(i + chunk, doc.blocks.length), doc.blocks.length);
  }
  return { head, front, blocks, annex: doc.annex ? annexHtml(doc.annex) : '' };
}

/** The whole file from its pieces. */
export function joinHtmlPieces({ head, front, blocks, annex }: HtmlPieces): string {
  const out = [...head, '</head>', '<body>', ...front, '<main>', ...blocks, '</main>'];
  if (annex) out.push(annex);
  out.push('</body>', '</html>');
  return out.join('\n') + '\n';
}

/** Progress is reported per chunk of blocks; `onBlocks` may throw to cancel. */
export function renderHtml(doc: ExportDocument, onBlocks?: (done: number, total: number) => void): string {
  return joinHtmlPieces(renderHtmlPieces(doc, onBlocks));
}
