/**
 * The Roster view: a modal dialog listing the working group's members (name, stakeholder
 * group, region, development status, gender, role), where they are added, edited and
 * retired (a retired member stays listed as such, their stances kept), where the user
 * says which entry is them ("I am …", through main, which holds the key), where the
 * secretariat invites someone to an entry nobody has claimed (invitation-panel.ts), and
 * where the chair — only the chair — picks the report's consensus rule, which changes
 * every view at once (meta.consensusRule).
 *
 * Roster edits are Y.Doc writes through shared/roster.ts, which validates and throws
 * RosterError with the message shown here; the doc is then unchanged.
 */
import type * as Y from 'yjs';
import type { PlenaryApi } from '../../shared/api.ts';
import { CONSENSUS_RULES, ruleById } from '../../shared/consensus/rules.ts';
import { activeChair, addMember, editMember, isActive, retireMember, RosterError, type Member, type MemberInput } from '../../shared/roster.ts';
import { claimProblem } from '../../shared/roster-claim.ts';
import { DEVELOPMENT_STATUSES, GENDERS, REGIONS, ROLES, labelOf, reportGroups } from '../../shared/stakeholders.ts';
import { metaOf, Origin, readMeta, rosterOf, writeMeta } from '../../shared/ydoc.ts';
import type { Me } from '../endorsements/live-consensus.ts';
import { MemberForm } from './member-form.ts';
import { InvitationPanel } from './invitation-panel.ts';
import sampleRoster from '../../resources/sample-roster.json' with { type: 'json' };
import type { LiveConsensus } from '../endorsements/live-consensus.ts';
import { StanceRecords } from '../endorsements/stance-records.ts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** An entry an invitation can be for: active, and nobody has said it is them. */
function invitable(member: Member | undefined): boolean {
  return !!member && isActive(member) && member.publicKey === '';
}

function button(text: string, className: string, onClick: () => void, label?: string): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  if (label) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

export class RosterView {
  readonly dialog: HTMLDialogElement;
  private readonly whoAmI: HTMLParagraphElement;
  private readonly rule: HTMLSelectElement;
  private readonly ruleHelp: HTMLParagraphElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly error: HTMLParagraphElement;
  private readonly form: MemberForm;
  private readonly addButton: HTMLButtonElement;
  private readonly doc: Y.Doc;
  private readonly me: Me;
  private readonly api: PlenaryApi;
  private confirmingRetire: string | null = null;
  private readonly records: StanceRecords;
  private readonly sampleButton: HTMLButtonElement;
  private readonly invitation: InvitationPanel;

  constructor(doc: Y.Doc, me: Me, api: PlenaryApi, live: LiveConsensus, announce: (text: string) => void) {
    this.doc = doc;
    this.me = me;
    this.api = api;
    this.dialog = el('dialog', 'dialog roster-dialog');
    this.dialog.id = 'roster-dialog';
    this.dialog.setAttribute('aria-labelledby', 'roster-title');
    const header = el('header', 'roster-header');
    const title = el('h2', undefined, 'Roster and consensus rule');
    title.id = 'roster-title';
    header.append(title, button('×', 'icon-button', () => this.dialog.close(), 'Close the roster'));
    this.whoAmI = el('p', 'who-am-i');

    const ruleRow = el('div', 'rule-row');
    const ruleLabel = el('label', undefined, 'Consensus rule');
    ruleLabel.htmlFor = 'consensus-rule';
    this.rule = el('select');
    this.rule.id = 'consensus-rule';
    this.rule.setAttribute('aria-describedby', 'consensus-rule-help');
    for (const rule of CONSENSUS_RULES) {
      const option = el('option', undefined, rule.label);
      option.value = rule.id;
      this.rule.append(option);
    }
    this.rule.addEventListener('change', () => {
      if (!this.me.isChair()) return;
      writeMeta(this.doc, { consensusRule: this.rule.value }, Origin.local);
      announce(`Consensus rule: ${ruleById(this.rule.value).label}.`);
    });
    this.ruleHelp = el('p', 'hint');
    this.ruleHelp.id = 'consensus-rule-help';
    ruleRow.append(ruleLabel, this.rule, this.ruleHelp);

    const table = el('table', 'roster-table');
    const caption = el('caption', 'visually-hidden', 'Members of the working group');
    const head = el('thead');
    const headRow = el('tr');
    for (const name of ['Name', 'Group', 'Region', 'Development', 'Gender', 'Role', '']) {
      const th = el('th', undefined, name);
      th.scope = 'col';
      if (!name) th.append(el('span', 'visually-hidden', 'Actions'));
      headRow.append(th);
    }
    head.append(headRow);
    this.tbody = el('tbody');
    table.append(caption, head, this.tbody);
    const scroller = el('div', 'roster-scroll');
    scroller.append(table);

    this.error = el('p', 'field-error');
    this.error.setAttribute('role', 'alert');
    this.form = new MemberForm(doc, me, (input, editing) => this.save(input, editing), () => this.addButton.focus());
    this.addButton = button('Add member', 'button-small', () => this.form.open(null, !activeChair(this.me.roster())));
    this.sampleButton = button('Start from the sample roster', 'button-small', () => this.loadSample());
    const footer = el('div', 'dialog-buttons');
    footer.append(this.addButton, this.sampleButton, el('span', 'spacer'), button('Close', '', () => this.dialog.close()));

    this.records = new StanceRecords(live);
    this.invitation = new InvitationPanel(api, () => {
      if (this.dialog.open) this.render();
    });
    this.dialog.append(header, this.whoAmI, ruleRow, scroller, this.invitation.element, this.error, this.form.element, this.records.element, footer);
    document.body.append(this.dialog);
    this.dialog.addEventListener('close', () => {
      this.form.close();
      this.invitation.hide();
      this.confirmingRetire = null;
    });
    const refresh = (): void => {
      if (this.dialog.open) this.render();
    };
    rosterOf(doc).observe(refresh);
    metaOf(doc).observe(refresh);
    me.onChange(refresh);
  }

  open(): void {
    this.error.textContent = '';
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
    if (this.me.roster().size === 0) this.form.open(null, true);
  }

  private save(input: MemberInput, editing: Member | null): string | null {
    try {
      if (editing) editMember(this.doc, editing.id, input, Origin.local);
      else addMember(this.doc, input, Origin.local);
      return null;
    } catch (error) {
      if (error instanceof RosterError) return error.message;
      throw error;
    }
  }

  private render(): void {
    const roster = this.me.roster();
    const mine = this.me.member();
    const chair = activeChair(roster);
    this.whoAmI.textContent = mine
      ? `You are ${mine.name} (${labelOf(ROLES, mine.role).toLowerCase()}, ${labelOf(reportGroups(this.doc), mine.group)}).`
      : roster.size === 0
        ? 'This report has no roster yet. As its creator, add yourself: the report\'s creator is its chair.'
        : 'You have not said who you are: choose "I am …" beside your name, or add yourself.';
    const chairOnly = this.me.isChair();
    this.rule.value = ruleById(readMeta(this.doc).consensusRule).id;
    this.rule.disabled = !chairOnly;
    const description = ruleById(this.rule.value).description;
    this.ruleHelp.textContent = chairOnly ? description : `${description} Only the chair${chair ? `, ${chair.name},` : ''} can change the rule.`;

    this.records.render(roster);
    // Only an empty roster can start from the sample (a fictional group to try Plenary with).
    this.sampleButton.hidden = roster.size > 0;
    // An invitation stays up only while its entry is still to be claimed.
    this.invitation.hide((id) => invitable(roster.get(id)));
    const groups = reportGroups(this.doc);
    const members = [...roster.values()].sort((a, b) => Number(!isActive(a)) - Number(!isActive(b)) || a.name.localeCompare(b.name));
    this.tbody.replaceChildren(...members.map((member) => {
      const row = el('tr');
      row.dataset.memberId = member.id;
      if (!isActive(member)) row.classList.add('retired');
      const name = el('th', undefined, member.name);
      name.scope = 'row';
      if (mine?.id === member.id) name.append(' ', el('span', 'you-badge', 'you'));
      const role = el('td', undefined, labelOf(ROLES, member.role));
      if (!isActive(member)) role.append(' ', el('span', 'retired-badge', `retired ${member.retired?.slice(0, 10) ?? ''}`));
      else if (member.publicKey === '') role.append(' ', el('span', 'quiet-badge', 'unclaimed'));
      row.append(
        name,
        el('td', undefined, labelOf(groups, member.group)),
        el('td', undefined, labelOf(REGIONS, member.region)),
        el('td', undefined, labelOf(DEVELOPMENT_STATUSES, member.development)),
        el('td', undefined, labelOf(GENDERS, member.gender)),
        role,
        this.actions(member),
      );
      return row;
    }));
  }

  private actions(member: Member): HTMLTableCellElement {
    const cell = el('td', 'row-actions');
    if (!isActive(member)) return cell;
    const key = this.me.publicKey;
    if (key && member.publicKey !== key && claimProblem(member, key) === null) {
      cell.append(button('I am …', 'button-small', () => void this.claim(member), `I am ${member.name}`));
    }
    if (this.invitation.linkedServer && invitable(member)) {
      cell.append(button('Invite', 'button-small', () => this.invite(member), `Invite ${member.name}: their address to this report`));
    }
    cell.append(button('Edit', 'button-small', () => this.form.open(member, false), `Edit ${member.name}`));
    if (member.role !== 'chair') {
      if (this.confirmingRetire === member.id) {
        cell.append(
          button('Confirm retire', 'button-small button-danger', () => this.retire(member), `Confirm: retire ${member.name}`),
          button('Cancel', 'button-small', () => {
            this.confirmingRetire = null;
            this.render();
          }, 'Cancel retiring'),
        );
      } else {
        cell.append(button('Retire', 'button-small', () => {
          this.confirmingRetire = member.id;
          this.render();
          this.tbody.querySelector<HTMLButtonElement>(`tr[data-member-id="${CSS.escape(member.id)}"] .button-danger`)?.focus();
        }, `Retire ${member.name}`));
      }
    }
    return cell;
  }

  private invite(member: Member): void {
    const rowButton = (): HTMLButtonElement | null =>
      this.tbody.querySelector<HTMLButtonElement>(`tr[data-member-id="${CSS.escape(member.id)}"] button[aria-label^="Invite "]`);
    this.invitation.show(member, readMeta(this.doc).id, () => (rowButton() ?? this.addButton).focus());
  }

  private retire(member: Member): void {
    this.confirmingRetire = null;
    try {
      retireMember(this.doc, member.id, new Date().toISOString(), Origin.local);
      this.error.textContent = '';
    } catch (error) {
      this.error.textContent = (error as Error).message;
    }
    this.render();
    this.addButton.focus();
  }

  /** Fills an empty roster with resources/sample-roster.json, every entry unclaimed, in one transaction. */
  private loadSample(): void {
    if (this.me.roster().size > 0) return;
    try {
      this.doc.transact(() => {
        for (const entry of sampleRoster.members) addMember(this.doc, { ...entry, role: entry.role as MemberInput['role'], publicKey: '' }, Origin.local);
      }, Origin.local);
      this.form.close();
      this.error.textContent = '';
    } catch (error) {
      this.error.textContent = (error as Error).message;
    }
    this.render();
    this.tbody.querySelector<HTMLButtonElement>('.row-actions button')?.focus();
  }

  private async claim(member: Member): Promise<void> {
    try {
      await this.api.request('claimMember', member.id);
      this.error.textContent = '';
    } catch (error) {
      this.error.textContent = (error as Error).message;
    }
  }
}
