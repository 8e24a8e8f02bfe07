/**
 * The user's own stance on the panel's block: endorse, accept, reservation or objection
 * (a note required for the last two), set on the block or — on a heading — on every
 * block of its section in one step ("Endorse section"), or withdrawn.
 *
 * The renderer never signs: it sends main the blocks, the stance, the note and the
 * hashes of the texts shown (`takeStance`); main checks, signs and stores, and the
 * stance comes back through sync. Refusals are shown under the form as main wrote them.
 */
import type { PlenaryApi } from '../../shared/api.ts';
import { STANCES, STANCE_LABELS, MAX_NOTE, needsNote, noteProblem, type Stance } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { sectionsOf, type ReportBlock } from '../../shared/report-blocks.ts';
import { takesStances } from '../../shared/stakeholders.ts';
import { labelOf, ROLES } from '../../shared/stakeholders.ts';
import type { LiveConsensus, Me } from './live-consensus.ts';

let formCount = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export class StanceForm {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly legend: HTMLLegendElement;
  private readonly radios = new Map<Stance, HTMLInputElement>();
  private readonly note: HTMLTextAreaElement;
  private readonly noteHint: HTMLSpanElement;
  private readonly sectionBox: HTMLLabelElement;
  private readonly section: HTMLInputElement;
  private readonly error: HTMLParagraphElement;
  private readonly submit: HTMLButtonElement;
  private readonly withdraw: HTMLButtonElement;
  private readonly outsider: HTMLElement;
  private readonly live: LiveConsensus;
  private readonly me: Me;
  private readonly api: PlenaryApi;
  private readonly blockId: () => string | null;
  private readonly announce: (text: string) => void;
  private busy = false;

  constructor(live: LiveConsensus, me: Me, api: PlenaryApi, blockId: () => string | null, openRoster: () => void, announce: (text: string) => void) {
    this.live = live;
    this.me = me;
    this.api = api;
    this.blockId = blockId;
    this.announce = announce;
    const n = ++formCount;
    this.element = el('section', 'stance-form-section');
    this.form = el('form', 'stance-form');
    this.form.noValidate = true;
    const fieldset = el('fieldset');
    this.legend = el('legend', undefined, 'Your stance');
    fieldset.append(this.legend);
    for (const stance of STANCES) {
      const id = `stance-${n}-${stance}`;
      const radio = el('input');
      radio.type = 'radio';
      radio.name = `stance-${n}`;
      radio.value = stance;
      radio.id = id;
      radio.addEventListener('change', () => this.syncNote());
      const label = el('label', 'stance-option');
      label.htmlFor = id;
      label.append(radio, el('span', 'stance-option-name', STANCE_LABELS[stance].label), el('span', 'stance-option-help', STANCE_LABELS[stance].description));
      label.dataset.stance = stance;
      fieldset.append(label);
      this.radios.set(stance, radio);
    }
    const noteLabel = el('label', 'note-label');
    noteLabel.htmlFor = `stance-${n}-note`;
    this.noteHint = el('span', 'note-hint');
    noteLabel.append('Note ', this.noteHint);
    this.note = el('textarea');
    this.note.id = `stance-${n}-note`;
    this.note.rows = 3;
    this.note.maxLength = MAX_NOTE;
    this.note.setAttribute('aria-describedby', `stance-${n}-error`);
    this.note.addEventListener('input', () => this.note.removeAttribute('aria-invalid'));
    this.section = el('input');
    this.section.type = 'checkbox';
    this.section.id = `stance-${n}-section`;
    this.sectionBox = el('label', 'section-box');
    this.sectionBox.htmlFor = this.section.id;
    this.sectionBox.append(this.section, el('span'));
    this.error = el('p', 'field-error');
    this.error.id = `stance-${n}-error`;
    this.error.setAttribute('aria-live', 'polite');
    const buttons = el('div', 'dialog-buttons');
    this.withdraw = el('button', 'button-quiet', 'Withdraw my stance');
    this.withdraw.type = 'button';
    this.withdraw.addEventListener('click', () => void this.withdrawStance());
    this.submit = el('button', 'button-primary', 'Set stance');
    this.submit.type = 'submit';
    buttons.append(this.withdraw, el('span', 'spacer'), this.submit);
    this.form.append(fieldset, noteLabel, this.note, this.sectionBox, this.error, buttons);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.section.addEventListener('change', () => this.syncNote());

    this.outsider = el('div', 'stance-outsider');
    const text = el('p', 'quiet', 'To take a stance, say who you are on the roster.');
    const open = el('button', 'button-small', 'Open the roster');
    open.type = 'button';
    open.addEventListener('click', openRoster);
    this.outsider.append(text, open);
    this.element.append(this.form, this.outsider);
  }

  private chosen(): Stance | null {
    for (const [stance, radio] of this.radios) if (radio.checked) return stance;
    return null;
  }

  private syncNote(): void {
    const stance = this.chosen();
    this.noteHint.textContent = stance && needsNote(stance) ? '(required: say why)' : '(optional)';
    this.note.required = !!stance && needsNote(stance);
    const whole = this.section.checked && !this.section.disabled && !this.sectionBox.hidden;
    this.submit.textContent = whole ? (stance === 'endorse' ? 'Endorse section' : 'Set on whole section') : 'Set stance';
  }

  /** On open: the user's current stance preselected, no error. */
  reset(): void {
    const id = this.blockId();
    const mine = this.me.member();
    const current = id && mine ? this.live.engine.stance(endorsementKey(id, mine.id))?.endorsement : undefined;
    for (const [stance, radio] of this.radios) radio.checked = current?.stance === stance;
    this.note.value = current?.note ?? '';
    this.note.removeAttribute('aria-invalid');
    this.section.checked = false;
    this.error.textContent = '';
    this.syncNote();
  }

  render(block: ReportBlock | null): void {
    const mine = this.me.member();
    const canTake = !!block && !!mine && takesStances(mine.role);
    this.form.hidden = !canTake;
    this.outsider.hidden = canTake || !block;
    if (mine && !takesStances(mine.role)) {
      this.outsider.hidden = false;
      (this.outsider.firstElementChild as HTMLElement).textContent = `As ${labelOf(ROLES, mine.role).toLowerCase()}, ${mine.name} does not take stances.`;
    }
    if (!block || !mine) return;
    this.legend.textContent = `Your stance, as ${mine.name}`;
    const section = block.kind === 'heading' ? sectionsOf(this.live.blocks).find((s) => s.id === block.id) : undefined;
    this.sectionBox.hidden = !section;
    if (section) (this.sectionBox.lastElementChild as HTMLElement).textContent = ` Whole section: all ${section.blockIds.length} blocks under this heading`;
    const current = this.live.engine.stance(endorsementKey(block.id, mine.id));
    this.withdraw.hidden = !current && !this.section.checked;
    this.syncNote();
  }

  private targets(): string[] {
    const id = this.blockId();
    if (!id) return [];
    if (this.section.checked && !this.sectionBox.hidden) {
      return [...(sectionsOf(this.live.blocks).find((s) => s.id === id)?.blockIds ?? [id])];
    }
    return [id];
  }

  private showError(message: string, field?: HTMLElement): void {
    this.error.textContent = message;
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  }

  private async send(): Promise<void> {
    const stance = this.chosen();
    if (!stance) {
      this.showError('Choose a stance: endorse, accept, reservation or objection.', this.radios.get('endorse'));
      return;
    }
    const problem = noteProblem(stance, this.note.value);
    if (problem) {
      this.showError(problem, this.note);
      return;
    }
    await this.take(this.targets(), stance, this.note.value);
  }

  /** "Renew on current text": the same stance and note on the block as it reads now. */
  async renew(stance: Stance, note: string): Promise<void> {
    const id = this.blockId();
    if (id) await this.take([id], stance, note);
  }

  private async take(ids: string[], stance: Stance, note: string): Promise<void> {
    if (this.busy || ids.length === 0) return;
    const blocks = ids.flatMap((blockId) => {
      const block = this.live.blocks.byId.get(blockId);
      return block ? [{ blockId, textHash: block.textHash }] : [];
    });
    this.busy = true;
    this.error.textContent = '';
    try {
      const signed = await this.api.request('takeStance', { blocks, stance, note });
      const what = STANCE_LABELS[stance].label.toLowerCase();
      this.announce(signed.length > 1 ? `Stance set on ${signed.length} blocks: ${what}.` : `Stance set: ${what}.`);
    } catch (error) {
      this.showError((error as Error).message);
    } finally {
      this.busy = false;
    }
  }

  private async withdrawStance(): Promise<void> {
    const ids = this.targets();
    if (this.busy || ids.length === 0) return;
    this.busy = true;
    try {
      const count = await this.api.request('withdrawStance', ids);
      this.announce(count === 0 ? 'You had no stance to withdraw.' : `Withdrawn your stance on ${count === 1 ? 'this block' : `${count} blocks`}.`);
      for (const radio of this.radios.values()) radio.checked = false;
      this.note.value = '';
      this.syncNote();
    } catch (error) {
      this.showError((error as Error).message);
    } finally {
      this.busy = false;
    }
  }
}
