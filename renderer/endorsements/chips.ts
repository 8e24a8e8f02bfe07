/**
 * How a group's state for a block looks: a glyph (shape), a fill pattern and a text
 * label, never colour alone, so the gutter reads the same to colour-blind users, in
 * greyscale print and to screen readers.
 *
 *   recognized  ✓ solid         partly      ◐ half-filled     objection  ✕ solid, dark
 *   stale-only  ↻ hatched       nobody      ○ hollow          vacant     – faint
 */
import { COLUMN_STATE_LABELS, type ColumnState } from '../../shared/consensus/rules.ts';
import type { Category } from '../../shared/stakeholders.ts';

export const STATE_GLYPHS: Readonly<Record<ColumnState, string>> = {
  recognized: '✓',
  partly: '◐',
  objection: '✕',
  'stale-only': '↻',
  nobody: '○',
  vacant: '–',
};

/** Short words for the legend and the panel. */
export const STATE_WORDS: Readonly<Record<ColumnState, string>> = {
  recognized: 'Recognized',
  partly: 'Partly',
  objection: 'Objection',
  'stale-only': 'Earlier text only',
  nobody: 'Nobody yet',
  vacant: 'No members',
};

export function stateSentence(column: Category, state: ColumnState): string {
  return `${column.label}: ${COLUMN_STATE_LABELS[state]}`;
}

/** One chip: the state's glyph, labelled for assistive technology by its row. */
export function chip(column: Category, state: ColumnState): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = 'chip';
  element.dataset.state = state;
  element.dataset.group = column.id;
  element.textContent = STATE_GLYPHS[state];
  element.title = stateSentence(column, state);
  return element;
}

/** The gutter's and the panel's key to the glyphs. */
export function legend(): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'chip-legend';
  for (const state of Object.keys(STATE_GLYPHS) as ColumnState[]) {
    if (state === 'vacant') continue;
    const item = document.createElement('li');
    const sample = document.createElement('span');
    sample.className = 'chip';
    sample.dataset.state = state;
    sample.textContent = STATE_GLYPHS[state];
    sample.setAttribute('aria-hidden', 'true');
    item.append(sample, ` ${STATE_WORDS[state]}`);
    list.append(item);
  }
  return list;
}
