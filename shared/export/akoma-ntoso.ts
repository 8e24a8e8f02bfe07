/**
 * Akoma Ntoso 3.0 (OASIS LegalDocML) following the AKN4UN guidelines for UN documents:
 * `<akomaNtoso><doc name="report">` with a minimal FRBR `<meta>`, a `<preface>` (title,
 * issuing body, place, date, optional table of contents), a `<mainBody>` in which each
 * heading opens a `<section>` holding the blocks up to the next heading of the same or
 * a higher level, body paragraphs as numbered `<paragraph>`s, and the endorsement annex
 * as an `<attachment>`.
 *
 * eIds are derived from block ids (`sec_<id>`, `para_<id>`), not from the numbers: a
 * citation of a paragraph survives renumbering. Lists and quotes that follow a
 * paragraph belong to it (UN style: "12. The group recommends: (a) … (b) …") and go in
 * that paragraph's `<content>`; before any paragraph they get an unnumbered one.
 */
import { escapeMarkup as esc, safeIdPart } from './escape.ts';
import { ANNEX_STATUS_LABEL, formatReadiness, sectionLabel, stanceLabel, type AnnexData } from './annex.ts';
import { isLineBreak, type ExportBlock, type ExportDocument, type Inline, type ListBlock } from './model.ts';

export const AKN_NAMESPACE = 'http://docs.oasis-open.org/legaldocml/ns/akn/3.0';

function inlinesToAkn(inlines: readonly Inline[]): string {
  let out = '';
  for (const inline of inlines) {
    if (isLineBreak(inline)) {
      out += '<eol/>';
      continue;
    }
    let xml = esc(inline.text);
    if (inline.italic) xml = `<i>${xml}</i>`;
    if (inline.bold) xml = `<b>${xml}</b>`;
    if (inline.href) xml = `<a href="${esc(inline.href)}">${xml}</a>`;
    out += xml;
  }
  return out;
}

/** Blocks inside `<content>`, `<li>` or a quote: only AKN block elements. */
function innerBlocks(blocks: readonly ExportBlock[], out: string[]): void {
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(`<p class="heading"><b>${inlinesToAkn(block.inlines)}</b></p>`);
        break;
      case 'paragraph':
        out.push(`<p>${inlinesToAkn(block.inlines)}</p>`);
        break;
      case 'list':
        listToAkn(block, out);
        break;
      case 'quote':
        out.push('<blockContainer class="quote">');
        innerBlocks(block.blocks, out);
        if (block.blocks.length === 0) out.push('<p/>');
        out.push('</blockContainer>');
        break;
    }
  }
}

function listToAkn(list: ListBlock, out: string[]): void {
  const tag = list.ordered ? 'ol' : 'ul';
  out.push(`<${tag}>`);
  for (const item of list.items) {
    out.push('<li>');
    innerBlocks(item.blocks, out);
    out.push('</li>');
  }
  out.push(`</${tag}>`);
}

function isoDate(...candidates: string[]): string {
  for (const c of candidates) {
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(c.trim());
    if (m && !Number.isNaN(Date.parse(m[1]!))) return m[1]!;
  }
  return '1970-01-01';
}

function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'unknown';
}

function identification(doc: ExportDocument, subtype: string, date: string): string {
  const work = `/akn/un/doc/${subtype}/${date}/${slug(doc.meta.id || doc.meta.title)}`;
  const expression = `${work}/eng@`;
  const manifestation = `${expression}/!main.xml`;
  const frbr = (tag: string, uri: string, extra: string): string => [
    `<${tag}>`,
    `<FRBRthis value="${esc(tag === 'FRBRManifestation' ? manifestation : `${uri}/!main`)}"/>`,
    `<FRBRuri value="${esc(uri)}"/>`,
    `<FRBRdate date="${date}" name="${tag === 'FRBRManifestation' ? 'export' : 'report'}"/>`,
    '<FRBRauthor href="#author"/>',
    extra,
    `</${tag}>`,
  ].filter(Boolean).join('');
  return [
    '<identification source="#plenary">',
    frbr('FRBRWork', work, '<FRBRcountry value="un"/>'),
    frbr('FRBRExpression', expression, '<FRBRlanguage language="eng"/>'),
    frbr('FRBRManifestation', manifestation, ''),
    '</identification>',
  ].join('\n');
}

function metaXml(doc: ExportDocument, subtype: string, date: string): string {
  const author = doc.meta.body || 'United Nations';
  return [
    '<meta>',
    identification(doc, subtype, date),
    '<references source="#plenary">',
    `<TLCOrganization eId="author" href="/akn/ontology/organization/un/${slug(author)}" showAs="${esc(author)}"/>`,
    '<TLCOrganization eId="plenary" href="/akn/ontology/organization/plenary" showAs="Plenary"/>',
    doc.meta.place ? `<TLCLocation eId="place" href="/akn/ontology/location/${slug(doc.meta.place)}" showAs="${esc(doc.meta.place)}"/>` : '',
    '</references>',
    '</meta>',
  ].filter(Boolean).join('\n');
}

/** Unique eIds: a duplicate (a damaged doc) gets a suffix rather than breaking refs. */
function eIdAllocator(): (prefix: string, id: string) => string {
  const used = new Set<string>();
  return (prefix, id) => {
    const base = `${prefix}_${safeIdPart(id)}`;
    let eId = base;
    for (let n = 2; used.has(eId); n++) eId = `${base}-${n}`;
    used.add(eId);
    return eId;
  };
}

function prefaceXml(doc: ExportDocument, date: string, headingEIds: Map<string, string>): string {
  const { title, body, place } = doc.meta;
  const out = ['<preface>', `<longTitle><p><docTitle>${esc(title || 'Untitled report')}</docTitle></p></longTitle>`];
  if (body) out.push(`<p class="issuer"><docAuthority>${esc(body)}</docAuthority></p>`);
  if (place || doc.meta.date) {
    const parts: string[] = [];
    if (place) parts.push(`<location refersTo="#place">${esc(place)}</location>`);
    if (doc.meta.date) parts.push(`<docDate date="${date}">${esc(doc.meta.date)}</docDate>`);
    out.push(`<p class="placeDate">${parts.join(', ')}</p>`);
  }
  if (doc.options.toc && doc.toc.length > 0) {
    out.push('<toc>');
    for (const entry of doc.toc) {
      const eId = headingEIds.get(entry.id) ?? '';
      out.push(`<tocItem href="#${eId}" level="${entry.level}"><inline name="tocNum">${esc(entry.num)}</inline> <inline name="tocHeading">${esc(entry.text)}</inline></tocItem>`);
    }
    out.push('</toc>');
  }
  out.push('</preface>');
  return out.join('\n');
}

function annexXml(doc: ExportDocument, annex: AnnexData, date: string, paraEIds: Map<string, string>): string {
  const out = ['<attachments>', '<attachment eId="att_1">', '<doc name="annex">', metaXml(doc, 'annex', date)];
  out.push('<preface><longTitle><p><docTitle>Endorsement of the report by stakeholder group</docTitle></p></longTitle></preface>');
  out.push('<mainBody>');
  out.push(`<paragraph eId="para_readiness"><content><p>Consensus rule: ${esc(annex.ruleLabel)}. Readiness: ${esc(formatReadiness(annex.readiness))} of the report's blocks are recognized by every stakeholder group. Only verified stances on the current text are counted.</p></content></paragraph>`);
  out.push('<hcontainer name="endorsementTable" eId="hcontainer_endorsement"><content><table eId="table_endorsement">');
  out.push(`<tr><th><p>Section</p></th>${annex.groups.map((g) => `<th><p>${esc(g.label)}</p></th>`).join('')}</tr>`);
  for (const section of annex.sections) {
    const cells = annex.groups.map((g) => {
      const status = section.cells[g.id] ?? 'none';
      return `<td class="${status}"><p>${esc(ANNEX_STATUS_LABEL[status])}</p></td>`;
    }).join('');
    out.push(`<tr><th><p>${esc(sectionLabel(section))}</p></th>${cells}</tr>`);
  }
  out.push('</table></content></hcontainer>');
  out.push('<hcontainer name="standingReservations" eId="hcontainer_standing"><heading>Standing reservations and objections</heading><content>');
  if (annex.standing.length === 0) {
    out.push('<p>None.</p>');
  } else {
    out.push('<table eId="table_standing"><tr><th><p>Paragraph</p></th><th><p>Stance</p></th><th><p>Member</p></th><th><p>Group</p></th><th><p>Note</p></th></tr>');
    for (const s of annex.standing) {
      const target = paraEIds.get(s.blockId);
      const ref = target && s.ref ? `<ref href="#${target}">${esc(s.ref)}</ref>` : esc(s.ref || '—');
      out.push(`<tr><td><p>${ref}</p></td><td><p>${esc(stanceLabel(s.stance))}</p></td><td><p>${esc(s.memberName)}</p></td><td><p>${esc(s.groupLabel)}</p></td><td><p>${esc(s.note)}</p></td></tr>`);
    }
    out.push('</table>');
  }
  out.push('</content></hcontainer>');
  out.push('</mainBody>', '</doc>', '</attachment>', '</attachments>');
  return out.join('\n');
}

export function renderAkomaNtoso(doc: ExportDocument, onBlocks?: (done: number, total: number) => void): string {
  const date = isoDate(doc.meta.date, doc.meta.created);
  const eIdFor = eIdAllocator();
  const headingEIds = new Map<string, string>();
  const paraEIds = new Map<string, string>();
  const body: string[] = ['<mainBody>'];

  // Open sections, innermost last, with whether each has a child yet.
  const sections: { level: number; hasChild: boolean }[] = [];
  let paragraphOpen = false;
  const closeParagraph = (): void => {
    if (paragraphOpen) body.push('</content></paragraph>');
    paragraphOpen = false;
  };
  const closeSection = (): void => {
    const section = sections.pop();
    if (section && !section.hasChild) body.push('<content><p/></content>');
    body.push('</section>');
  };
  const markChild = (): void => {
    const parent = sections[sections.length - 1];
    if (parent) parent.hasChild = true;
  };

  doc.blocks.forEach((block, index) => {
    if (block.kind === 'heading') {
      closeParagraph();
      while (sections.length > 0 && sections[sections.length - 1]!.level >= block.level) closeSection();
      markChild();
      const eId = eIdFor('sec', block.id);
      headingEIds.set(block.id, eId);
      body.push(`<section eId="${eId}">${block.num ? `<num>${esc(block.num)}</num>` : ''}<heading>${inlinesToAkn(block.inlines)}</heading>`);
      sections.push({ level: block.level, hasChild: false });
    } else if (block.kind === 'paragraph') {
      closeParagraph();
      markChild();
      const eId = eIdFor('para', block.id);
      paraEIds.set(block.id, eId);
      body.push(`<paragraph eId="${eId}">${block.num ? `<num>${esc(block.num)}</num>` : ''}<content><p>${inlinesToAkn(block.inlines)}</p>`);
      paragraphOpen = true;
    } else {
      if (!paragraphOpen) {
        markChild();
        const anchorId = block.kind === 'quote' ? block.id : block.items[0]?.id ?? `list-${index}`;
        body.push(`<paragraph eId="${eIdFor('para', anchorId)}"><content>`);
        paragraphOpen = true;
      }
      innerBlocks([block], body);
    }
    if (onBlocks && index % 200 === 199) onBlocks(index + 1, doc.blocks.length);
  });
  closeParagraph();
  while (sections.length > 0) closeSection();
  if (doc.blocks.length === 0) body.push('<paragraph eId="para_empty"><content><p/></content></paragraph>');
  body.push('</mainBody>');
  onBlocks?.(doc.blocks.length, doc.blocks.length);

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<akomaNtoso xmlns="${AKN_NAMESPACE}">`,
    '<doc name="report">',
    metaXml(doc, 'report', date),
    prefaceXml(doc, date, headingEIds),
    body.join('\n'),
    doc.annex ? annexXml(doc, doc.annex, date, paraEIds) : '',
    '</doc>',
    '</akomaNtoso>',
    '',
  ].filter((part, i, all) => part !== '' || i === all.length - 1).join('\n');
}
