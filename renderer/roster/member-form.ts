/**
 * Adding or editing one roster entry: name, stakeholder group (the built-in groups and
 * the report's own), UN region, development status, gender, role, and "this is me"
 * (the entry takes the user's public key; otherwise it stays unclaimed until its member
 * says "I am …"). Validation is shared/roster.ts's; its message is shown in the form.
 */
import type * as Y from 'yjs';
import type { Member, MemberInput } from '../../shared/roster.ts';
import { DEVELOPMENT_STATUSES, GENDERS, REGIONS, ROLES, reportGroups, type Category, type RoleId } from '../../shared/stakeholders.ts';
import type { Me } from '../endorsements/live-consensus.ts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function field(id: string, text: string, control: HTMLElement): HTMLDivElement {
  const wrap = el('div', 'form-field');
  const label = el('label', undefined, text);
  label.htmlFor = id;
  control.id = id;
  wrap.append(label, control);
  return wrap;
}

function select(list: readonly Category[]): HTMLSelectElement {
  const s = el('select');
  for (const c of list) {
    const option = el('option', undefined, c.label);
    option.value = c.id;
    s.append(option);
  }
  return s;
}

export class MemberForm {
  readonly element: HTMLFormElement;
  private readonly heading: HTMLHeadingElement;
  private readonly name = el('input');
  private group = el('select');
  private readonly region = select(REGIONS);
  private readonly development = select(DEVELOPMENT_STATUSES);
  private readonly gender = select(GENDERS);
  private readonly role = select(ROLES);
  private readonly isMe = el('input');
  private readonly meBox: HTMLLabelElement;
  private readonly error = el('p', 'field-error');
  private readonly doc: Y.Doc;
  private readonly me: Me;
  private readonly save: (input: MemberInput, editing: Member | null) => string | null;
  private readonly onClose: () => void;
  private editing: Member | null = null;
  /** Waiting for the identity: a second press of Save must not add the member twice. */
  private submitting = false;
  /** Counts openings: a save still waiting for the identity when the form is closed (or opened for someone else) is dropped. */
  private openings = 0;

  constructor(doc: Y.Doc, me: Me, save: (input: MemberInput, editing: Member | null) => string | null, onClose: () => void) {
    this.doc = doc;
    this.me = me;
    this.save = save;
    this.onClose = onClose;
    this.element = el('form', 'member-form');
    this.element.noValidate = true;
    this.element.hidden = true;
    this.element.setAttribute('aria-labelledby', 'member-form-title');
    this.heading = el('h3', undefined, 'Add a member');
    this.heading.id = 'member-form-title';
    this.name.autocomplete = 'off';
    this.name.setAttribute('aria-describedby', 'member-form-error');
    this.isMe.type = 'checkbox';
    this.isMe.id = 'member-is-me';
    this.meBox = el('label', 'checkbox-field');
    this.meBox.htmlFor = 'member-is-me';
    this.meBox.append(this.isMe, ' This is me (the entry takes my identity key)');
    this.error.id = 'member-form-error';
    this.error.setAttribute('aria-live', 'polite');
    const grid = el('div', 'form-grid');
    grid.append(
      field('member-name', 'Name', this.name),
      field('member-group', 'Stakeholder group', this.group),
      field('member-region', 'Region', this.region),
      field('member-development', 'Development status', this.development),
      field('member-gender', 'Gender', this.gender),
      field('member-role', 'Role', this.role),
    );
    const buttons = el('div', 'dialog-buttons');
    const cancel = el('button', undefined, 'Cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', () => {
      this.close();
      this.onClose();
    });
    const submit = el('button', 'button-primary', 'Save member');
    submit.type = 'submit';
    buttons.append(el('span', 'spacer'), cancel, submit);
    this.element.append(this.heading, grid, this.meBox, this.error, buttons);
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  /** Opens for a new member (null) or an existing one; `asCreator` presets the chair and "this is me". */
  open(member: Member | null, asCreator: boolean): void {
    this.editing = member;
    const groups = select(reportGroups(this.doc));
    groups.id = 'member-group';
    this.group.replaceWith(groups);
    this.group = groups;
    this.heading.textContent = member ? `Edit ${member.name}` : asCreator ? 'Add yourself as the report\'s chair' : 'Add a member';
    this.name.value = member?.name ?? '';
    this.group.value = member?.group ?? 'government';
    this.region.value = member?.region ?? REGIONS[0]!.id;
    this.development.value = member?.development ?? 'developing';
    this.gender.value = member?.gender ?? 'undisclosed';
    this.role.value = member?.role ?? (asCreator ? 'chair' : 'member');
    const key = this.me.publicKey;
    this.isMe.checked = member ? member.publicKey === key : asCreator;
    // An entry holding someone else's key stays theirs; "this is me" is for new entries and one's own.
    this.meBox.hidden = !!member && member.publicKey !== '' && member.publicKey !== key;
    this.openings += 1;
    this.submitting = false;
    this.error.textContent = '';
    this.error.classList.remove('is-waiting');
    this.name.removeAttribute('aria-invalid');
    this.element.hidden = false;
    this.name.focus();
  }

  close(): void {
    this.element.hidden = true;
    this.editing = null;
  }

  private async submit(): Promise<void> {
    if (this.submitting) return;
    let key = this.me.publicKey;
    if (this.isMe.checked && !key) {
      // Saved in the first moments after opening: the host has not said who this is yet.
      const opening = this.openings;
      this.submitting = true;
      this.error.textContent = 'Reading your identity…';
      this.error.classList.add('is-waiting');
      key = await this.me.known;
      if (this.element.hidden || opening !== this.openings) return;
      this.submitting = false;
      this.error.classList.remove('is-waiting');
      if (!key) {
        this.error.textContent = 'Your identity could not be read, so this entry cannot be yours. Untick "This is me" to save it, or restart Plenary.';
        return;
      }
      this.error.textContent = '';
    }
    const publicKey = this.isMe.checked ? key ?? '' : this.editing && this.editing.publicKey !== key ? this.editing.publicKey : '';
    const input: MemberInput = {
      name: this.name.value,
      group: this.group.value,
      region: this.region.value,
      development: this.development.value,
      gender: this.gender.value,
      role: this.role.value as RoleId,
      publicKey,
    };
    const problem = this.save(input, this.editing);
    if (problem) {
      this.error.textContent = problem;
      if (/name/i.test(problem)) {
        this.name.setAttribute('aria-invalid', 'true');
        this.name.focus();
      }
      return;
    }
    this.close();
    this.onClose();
  }
}
