/**
 * The Markdown export: optional front matter (the title page's fields), the text with
 * the editor's numbers, and the annex as Markdown tables after `ANNEX_MARKER`. The file
 * imports back into the same text (see markdown.ts). Markdown has no page to put a
 * table of contents on, so the `toc` option writes a list of the numbered headings.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { ANNEX_STATUS_LABEL, formatReadiness, sectionLabel, stanceLabel, type AnnexData } from './annex.ts';
import { ANNEX_MARKER, frontMatter, serializeNumberedMarkdown } from './markdown.ts';
import type { BlockNumbers, ExportDocument } from './model.ts';

/** A table cell's text: pipes and line breaks would end the cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([*_[\]<>`])/g, '\\$1').trim() || ' ';
}

export function annexMarkdown(annex: AnnexData): string {
  const lines = [ANNEX_MARKER, '', '# Annex: Endorsement of the report by stakeholder group', ''];
  lines.push(`Consensus rule: ${cell(annex.ruleLabel)}. Readiness: **${formatReadiness(annex.readiness)}** of the report's blocks are recognized by every stakeholder group. Only verified stances on the current text are counted.`, '');
  lines.push(`| Section | ${annex.groups.map((g) => cell(g.label)).join(' | ')} |`);
  lines.push(`| --- | ${annex.groups.map(() => '---').join(' | ')} |`);
  for (const section of annex.sections) {
    const cells = annex.groups.map((g) => ANNEX_STATUS_LABEL[section.cells[g.id] ?? 'none']);
    lines.push(`| ${cell(sectionLabel(section))} | ${cells.join(' | ')} |`);
  }
  lines.push('', '## Standing reservations and objections', '');
  if (annex.standing.length === 0) {
    lines.push('None.');
  } else {
    lines.push('| Paragraph | Stance | Member | Group | Note |', '| --- | --- | --- | --- | --- |');
    for (const s of annex.standing) {
      lines.push(`| ${cell(s.ref || '—')} | ${stanceLabel(s.stance)} | ${cell(s.memberName)} | ${cell(s.groupLabel)} | ${cell(s.note)} |`);
    }
  }
  return lines.join('\n') + '\n';
}

export function renderMarkdownExport(pmDoc: PMNode, numbers: BlockNumbers, model: ExportDocument): string {
  const parts: string[] = [];
  const { meta, options } = model;
  parts.push(frontMatter({
    ...(options.titlePage ? { title: meta.title, body: meta.body, place: meta.place, date: meta.date } : {}),
    numbered: true,
  }));
  if (options.toc && model.toc.length > 0) {
    // An HTML comment keeps the contents out of the text on import.
    const entries = model.toc.map((t) => `${'  '.repeat(t.level - 1)}- ${cell(`${t.num} ${t.text}`.trim())}`);
    parts.push(['<!-- plenary:contents -->', ...entries, '<!-- /plenary:contents -->', ''].join('\n'));
  }
  parts.push(serializeNumberedMarkdown(pmDoc, numbers));
  if (model.annex) parts.push('\n' + annexMarkdown(model.annex));
  return parts.join('\n');
}
