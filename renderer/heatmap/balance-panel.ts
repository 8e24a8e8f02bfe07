/**
 * Roster balance: members per stakeholder group, region, development status and gender
 * against the chair's targets; lines short of their target are marked (a word and a
 * colour). The chair edits targets in place; others see them read-only.
 */
import type * as Y from 'yjs';
import { metaOf, rosterOf } from '../../shared/ydoc.ts';
import { readRoster, type Roster } from '../../shared/roster.ts';
import { reportGroups } from '../../shared/stakeholders.ts';
import {
  BalanceError, META_BALANCE_KEY, MAX_TARGET, balanceGaps, readBalanceTargets, rosterBalance, writeBalanceTarget,
  type BalanceLine, type BalanceTable,
} from '../../shared/heatmap/balance.ts';

interface LineParts {
  readonly row: HTMLTableRowElement;
  readonly count: HTMLElement;
  readonly input: HTMLInputElement;
  readonly gap: HTMLElement;
}

function inputId(dimension: string, categoryId: string): string {
  return `balance-${dimension}-${categoryId}`;
}

function captionOf(table: BalanceTable): string {
  return `${table.label} (${table.total} members)`;
}

/** Shows a line's count, target and gap; a field being typed in keeps its text unless `resetFocused`. */
function paintLine(parts: LineParts, line: BalanceLine, resetFocused: boolean): void {
  parts.row.className = line.shortBy > 0 ? 'hm-short' : '';
  parts.count.textContent = String(line.count);
  parts.gap.textContent = line.shortBy > 0 ? `${line.shortBy} short` : line.target === null ? '' : 'met';
  if (resetFocused || document.activeElement !== parts.input) parts.input.value = line.target === null ? '' : String(line.target);
}

export class BalancePanel {
  readonly element: HTMLDetailsElement;
  private readonly doc: Y.Doc;
  private readonly isChair: () => boolean;
  private readonly report: (message: string) => void;
  private readonly body: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly roster: () => Roster;
  /** What the tables were built for (the chair or not, each dimension's categories). */
  private shape = '';
  private readonly captions = new Map<string, HTMLElement>();
  /** Each line's elements, by its target field's id. */
  private readonly rows = new Map<string, LineParts>();

  /** `roster`: the current roster (the view reads it once per change; reading checks every key). */
  constructor(doc: Y.Doc, isChair: () => boolean, report: (message: string) => void, roster: () => Roster = () => readRoster(doc)) {
    this.doc = doc;
    this.roster = roster;
    this.isChair = isChair;
    this.report = report;
    this.element = document.createElement('details');
    this.element.className = 'hm-side-panel hm-balance';
    this.summary = document.createElement('summary');
    this.body = document.createElement('div');
    this.element.append(this.summary, this.body);
    this.element.addEventListener('toggle', () => this.render());
    rosterOf(doc).observe(() => this.render());
    metaOf(doc).observe((event) => {
      if (event.keysChanged.has(META_BALANCE_KEY)) this.render();
    });
    this.render();
  }

  render(): void {
    this.renderWith(false);
  }

  /**
   * The tables brought up to date in place while their rows stay the same (a target or a
   * count changed), rebuilt when they do not: rebuilding under the chair's Tab — the
   * saved target's change event comes before the focus moves — took the next field away.
   * `resetFocused`: the focused field shows the stored target too (a refused one).
   */
  private renderWith(resetFocused: boolean): void {
    const groups = reportGroups(this.doc);
    const tables = rosterBalance(this.roster(), groups, readBalanceTargets(this.doc));
    const gaps = balanceGaps(tables);
    this.summary.textContent = gaps.length === 0 ? 'Roster balance: all targets met' : `Roster balance: ${gaps.length} short of target`;
    this.summary.classList.toggle('hm-alert-text', gaps.length > 0);
    if (!this.element.open) return;
    const chair = this.isChair();
    const shape = `${chair}|${tables.map((t) => `${t.dimension}:${t.lines.map((l) => l.category.id).join(',')}`).join('|')}`;
    if (shape !== this.shape) {
      this.shape = shape;
      this.build(tables, chair);
      return;
    }
    for (const table of tables) {
      const caption = this.captions.get(table.dimension);
      if (caption) caption.textContent = captionOf(table);
      for (const line of table.lines) {
        const row = this.rows.get(inputId(table.dimension, line.category.id));
        if (row) paintLine(row, line, resetFocused);
      }
    }
  }

  private build(tables: readonly BalanceTable[], chair: boolean): void {
    const focused = document.activeElement instanceof HTMLInputElement && this.body.contains(document.activeElement) ? document.activeElement.id : null;
    this.captions.clear();
    this.rows.clear();
    const out: HTMLElement[] = [];
    if (!chair) {
      const note = document.createElement('p');
      note.className = 'hm-note';
      note.textContent = 'Only the chair sets targets.';
      out.push(note);
    }
    for (const table of tables) {
      const element = document.createElement('table');
      element.className = 'hm-balance-table';
      const caption = document.createElement('caption');
      caption.textContent = captionOf(table);
      this.captions.set(table.dimension, caption);
      const head = document.createElement('tr');
      for (const text of ['', 'Members', 'Target', '']) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = text;
        head.append(th);
      }
      element.append(caption, head);
      for (const line of table.lines) {
        const row = document.createElement('tr');
        const name = document.createElement('th');
        name.scope = 'row';
        name.textContent = line.category.label;
        const count = document.createElement('td');
        const target = document.createElement('td');
        const input = document.createElement('input');
        input.type = 'number';
        input.min = '0';
        input.max = String(MAX_TARGET);
        input.step = '1';
        input.id = inputId(table.dimension, line.category.id);
        input.placeholder = '—';
        input.disabled = !chair;
        input.setAttribute('aria-label', `Target for ${line.category.label}`);
        input.addEventListener('change', () => this.save(table.dimension, line.category.id, input));
        target.append(input);
        const gap = document.createElement('td');
        row.append(name, count, target, gap);
        const parts = { row, count, input, gap };
        paintLine(parts, line, true);
        this.rows.set(input.id, parts);
        element.append(row);
      }
      out.push(element);
    }
    this.body.replaceChildren(...out);
    if (focused) document.getElementById(focused)?.focus();
  }

  private save(dimension: string, categoryId: string, input: HTMLInputElement): void {
    const text = input.value.trim();
    try {
      writeBalanceTarget(this.doc, reportGroups(this.doc), dimension, categoryId, text === '' ? null : Number(text));
    } catch (error) {
      if (!(error instanceof BalanceError)) throw error;
      this.report(error.message);
      this.renderWith(true);
    }
  }
}
