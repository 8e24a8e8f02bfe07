/**
 * The paragraph panel: every member's stance on one block, with note and time; for a
 * stance on an earlier text, "endorsed an earlier text" and a word-level diff between
 * that text and now, and for the user's own a one-click "Renew on current text". The
 * user's own stance form is here too (stance-form.ts).
 *
 * A non-modal side panel (role="dialog"): focus moves into it on open and back to the
 * editor on Escape or Close; it follows its block as stances, roster and text change.
 */
import type { EditorView } from 'prosemirror-view';
import type { PlenaryApi } from '../../shared/api.ts';
import { COLUMN_STATE_LABELS } from '../../shared/consensus/rules.ts';
import type { EngineChange } from '../../shared/consensus/engine.ts';
import { STANCE_LABELS } from '../../shared/endorsement.ts';
import type { ClassifiedStance } from '../../shared/stance-status.ts';
import { isActive } from '../../shared/roster.ts';
import { shortLabelOf, takesStances } from '../../shared/stakeholders.ts';
import { wordDiff } from '../../shared/text-diff.ts';
import type { LiveConsensus, Me } from './live-consensus.ts';
import { chip, legend, STATE_WORDS } from './chips.ts';
import { blockLabel } from './gutter.ts';
import { StanceForm } from './stance-form.ts';

const PAST: Record<string, string> = { endorse: 'Endorsed', accept: 'Accepted', reserve: 'Reserved on', object: 'Objected to' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Context kept around a change: long unchanged runs are shortened to their ends. */
const CONTEXT_CHARS = 60;

function context(text: string, before: boolean, after: boolean): string {
  if (text.length <= CONTEXT_CHARS * 2 + 10) return text;
  const head = before ? text.slice(0, CONTEXT_CHARS).replace(/\s\S*$/, ' ') : '';
  const tail = after ? text.slice(-CONTEXT_CHARS).replace(/^\S*\s/, ' ') : '';
  return `${head}…${tail}`;
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export class StancePanel {
  readonly element: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly excerpt: HTMLParagraphElement;
  private readonly groups: HTMLUListElement;
  private readonly list: HTMLElement;
  private readonly form: StanceForm;
  private readonly live: LiveConsensus;
  private readonly me: Me;
  private readonly view: EditorView;
  private blockId: string | null = null;
  /** Told when the panel opens on a block or closes (the gutter marks that block's row). */
  onOpenChange: (blockId: string | null) => void = () => {};

  constructor(live: LiveConsensus, me: Me, api: PlenaryApi, view: EditorView, openRoster: () => void, announce: (text: string) => void) {
    this.live = live;
    this.me = me;
    this.view = view;
    this.element = el('aside', 'stance-panel');
    this.element.id = 'stance-panel';
    this.element.setAttribute('role', 'dialog');
    this.element.setAttribute('aria-modal', 'false');
    this.element.setAttribute('aria-labelledby', 'stance-panel-title');
    this.element.hidden = true;

    const header = el('header', 'stance-panel-header');
    this.title = el('h2');
    this.title.id = 'stance-panel-title';
    this.title.tabIndex = -1;
    const close = el('button', 'icon-button', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close the stances panel');
    close.addEventListener('click', () => this.close());
    header.append(this.title, close);

    this.excerpt = el('p', 'stance-excerpt');
    this.groups = el('ul', 'group-states');
    this.groups.setAttribute('aria-label', 'Stakeholder groups');
    this.form = new StanceForm(live, me, api, () => this.blockId, openRoster, announce);
    const stancesHeading = el('h3', undefined, 'Stances');
    this.list = el('div', 'stance-list');
    const key = el('details', 'chip-key');
    key.append(el('summary', undefined, 'Key to the gutter'), legend());

    this.element.append(header, this.excerpt, this.groups, stancesHeading, this.list, this.form.element, key);
    document.body.append(this.element);

    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
    live.subscribe(this.onChange);
    me.onChange(() => this.render());
  }

  get openBlock(): string | null {
    return this.blockId;
  }

  open(blockId: string): void {
    this.blockId = blockId;
    this.element.dataset.blockId = blockId;
    // Below the header, whatever its height (the toolbar wraps on narrow windows).
    const header = document.querySelector('.app-header');
    this.element.style.top = `${Math.max(0, header?.getBoundingClientRect().bottom ?? 0)}px`;
    this.element.hidden = false;
    document.body.classList.add('stance-panel-open');
    this.form.reset();
    this.render();
    this.onOpenChange(blockId);
    this.title.focus();
  }

  close(): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.blockId = null;
    delete this.element.dataset.blockId;
    this.onOpenChange(null);
    document.body.classList.remove('stance-panel-open');
    this.view.focus();
  }

  private readonly onChange = (change: EngineChange): void => {
    if (this.blockId && (change.all || change.blocks.has(this.blockId) || change.sections.has(this.blockId))) this.render();
  };

  private blockElement(): Element | null {
    return this.blockId ? this.view.dom.querySelector(`[data-block-id="${CSS.escape(this.blockId)}"]`) : null;
  }

  render(): void {
    const id = this.blockId;
    if (!id) return;
    const block = this.live.blocks.byId.get(id);
    const result = this.live.engine.result(id);
    if (!block || !result) {
      this.title.textContent = 'This paragraph was deleted';
      this.excerpt.textContent = 'Its stances are kept with its last text and no longer count.';
      this.groups.replaceChildren();
      this.list.replaceChildren();
      this.form.render(null);
      return;
    }
    const label = blockLabel(this.blockElement());
    // "Stances on heading B.", not "heading b.": only the kind is lower-cased, never the number.
    this.title.textContent = `Stances on ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
    this.excerpt.textContent = block.text.length > 240 ? `${block.text.slice(0, 240)}…` : block.text || '(empty)';
    const columns = this.live.engine.columns;
    this.groups.replaceChildren(...columns.map((column, i) => {
      const state = result.states[i] ?? 'nobody';
      const item = el('li');
      const mark = chip(column, state);
      mark.setAttribute('aria-hidden', 'true');
      item.append(mark, el('span', 'group-name', column.label), el('span', 'group-state', STATE_WORDS[state]));
      item.title = COLUMN_STATE_LABELS[state];
      item.dataset.state = state;
      return item;
    }));
    this.form.render(block);
    this.renderStances(id, block.text);
  }

  private renderStances(blockId: string, currentText: string): void {
    const roster = this.me.roster();
    const mine = this.me.member();
    const stances = this.live.engine.stancesOn(blockId);
    const items = stances.map((stance) => this.stanceItem(stance, currentText, mine?.id));
    const said = new Set(stances.map((s) => s.memberId));
    const silent = [...roster.values()]
      .filter((m) => isActive(m) && takesStances(m.role) && !said.has(m.id))
      .map((m) => m.name)
      .sort((a, b) => a.localeCompare(b));
    const nodes: HTMLElement[] = [];
    if (items.length === 0) nodes.push(el('p', 'quiet', 'Nobody has taken a stance on this text yet.'));
    else {
      const list = el('ol', 'stances');
      list.append(...items);
      nodes.push(list);
    }
    if (silent.length > 0) nodes.push(el('p', 'quiet', `No stance yet: ${silent.join(', ')}.`));
    this.list.replaceChildren(...nodes);
  }

  private stanceItem(stance: ClassifiedStance, currentText: string, myId: string | undefined): HTMLLIElement {
    const roster = this.me.roster();
    const member = roster.get(stance.memberId);
    const item = el('li', 'stance');
    item.dataset.status = stance.status;
    item.dataset.memberId = stance.memberId;
    const e = stance.endorsement;
    const line = el('div', 'stance-line');
    line.append(el('strong', 'member-name', member?.name ?? 'Unknown member'));
    if (member) line.append(el('span', 'member-group', shortLabelOf(this.live.engine.columns, member.group)));
    if (e) {
      const badge = el('span', 'stance-badge', STANCE_LABELS[e.stance].label);
      badge.dataset.stance = e.stance;
      line.append(badge);
    }
    if (stance.status !== 'current') line.append(el('span', 'status-badge', stance.pending ? 'checking' : stance.status === 'stale' ? 'earlier text' : stance.status));
    if (e) {
      const time = el('time', 'stance-time', formatTime(e.at));
      time.dateTime = e.at;
      line.append(time);
    }
    item.append(line);
    if (e?.note) item.append(el('p', 'stance-note', e.note));
    if (stance.pending) item.append(el('p', 'quiet', 'Counts once its signature is checked, in a moment.'));
    else if (stance.status === 'unverified') item.append(el('p', 'stance-warning', `Does not count: ${stance.reason ?? 'its signature does not verify.'}`));
    if (stance.status === 'retired') item.append(el('p', 'quiet', 'Retired from the working group: kept in the record, does not count.'));
    if (stance.status === 'stale' && e) {
      item.append(el('p', 'stale-note', `${PAST[e.stance] ?? 'Took a stance on'} an earlier text. Changes since:`));
      const diff = el('p', 'text-diff');
      const parts = wordDiff(e.text, currentText);
      parts.forEach((part, i) => {
        if (part.kind !== 'same') diff.append(el(part.kind === 'added' ? 'ins' : 'del', undefined, part.text));
        else diff.append(document.createTextNode(context(part.text, i > 0, i < parts.length - 1)));
      });
      item.append(diff);
      if (stance.memberId === myId) {
        const renew = el('button', 'button-small', 'Renew on current text');
        renew.type = 'button';
        renew.addEventListener('click', () => void this.form.renew(e.stance, e.note));
        item.append(renew);
      }
    }
    return item;
  }
}
