/**
 * The summary band above the grid: report readiness, sections every stakeholder group
 * recognizes and standing objections (from the gutter's engine, the groups' view), and
 * per column of the heatmap the participation gap; below it, on request, the
 * unreviewed paragraphs per member for the chair's follow-up.
 */
import type { ConsensusEngine, EngineChange } from '../../shared/consensus/engine.ts';
import { sectionRecognizedByAll } from '../../shared/consensus/sections.ts';
import { sectionsOf, type Section } from '../../shared/report-blocks.ts';
import type { HeatmapModel } from '../../shared/heatmap/model.ts';
import { memberFollowUps, type ColumnGap, type ParticipationTracker } from '../../shared/heatmap/participation.ts';
import type { Roster } from '../../shared/roster.ts';

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function figure(label: string): { box: HTMLElement; value: HTMLElement } {
  const box = document.createElement('div');
  box.className = 'hm-figure';
  const value = document.createElement('span');
  value.className = 'hm-figure-value';
  const caption = document.createElement('span');
  caption.className = 'hm-figure-label';
  caption.textContent = label;
  box.append(value, caption);
  return { box, value };
}

const FOLLOW_UP_SHOWN = 12;

/**
 * Gap items made with the columns; the list shows two lines of them (it scrolls), and
 * more than a wide window's two lines hold are made when the page is next idle. Sixty
 * items for member columns were ~9 ms of style and layout in the column switch's frame,
 * for items that first show when the list is scrolled.
 */
const GAPS_AT_ONCE = 24;

interface GapItem {
  readonly item: HTMLElement;
  readonly value: HTMLElement;
  /** What the item shows now (compared here, not read back from the DOM: 60 items in a member view). */
  shown: string;
}

/** Brings one participation gap's item up to date, writing only when it shows something else. */
function paintGap(gapItem: GapItem, gap: ColumnGap): void {
  const className = gap.members === 0 ? 'hm-gap hm-gap-vacant' : gap.share >= 0.5 ? 'hm-gap hm-gap-high' : 'hm-gap';
  const value = gap.members === 0 ? '—' : percent(gap.share);
  const shown = `${className}|${value}|${gap.members}|${gap.unreviewed}|${gap.paragraphs}`;
  if (gapItem.shown === shown) return;
  gapItem.shown = shown;
  gapItem.item.className = className;
  gapItem.item.title = gap.members === 0 ? `${gap.label}: no active members` : `${gap.label}: ${gap.unreviewed} of ${gap.paragraphs} paragraphs not reviewed by any of its ${gap.members} members`;
  setText(gapItem.value, value);
}

/** Writes text only when it differs (an unchanged figure costs no relayout of the band). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export class SummaryBand {
  readonly element: HTMLElement;
  private readonly groups: ConsensusEngine;
  private readonly model: HeatmapModel;
  private readonly tracker: ParticipationTracker;
  private readonly roster: () => Roster;
  private readonly open: (blockId: string) => void;
  private readonly readiness = figure('report readiness');
  private readonly sectionsDone = figure('sections recognized by every group');
  private readonly objections = figure('standing objections');
  private readonly gaps: HTMLElement;
  readonly followUp: HTMLDetailsElement;
  private readonly followList: HTMLElement;
  /** Section id → recognized by every group, kept per change. */
  private recognized = new Map<string, boolean>();
  /** Which columns the participation gaps list has items for (and whether it is counted). */
  private gapColumns = '';
  private gapItems: GapItem[] = [];
  /** The tracker's revision the gaps list shows. */
  private gapRevision = -1;
  /** The gaps list being shown, and the idle callback that makes the rest of its items. */
  private gapList: HTMLElement | null = null;
  private gapRest = 0;
  /** The idle callback that brings the figures up to date after stances or edits (renderSoon). */
  private pending = 0;

  constructor(groups: ConsensusEngine, model: HeatmapModel, tracker: ParticipationTracker, roster: () => Roster, open: (blockId: string) => void) {
    this.groups = groups;
    this.model = model;
    this.tracker = tracker;
    this.roster = roster;
    this.open = open;
    this.element = document.createElement('section');
    this.element.className = 'hm-summary';
    this.element.setAttribute('aria-label', 'Where the report stands');
    const figures = document.createElement('div');
    figures.className = 'hm-figures';
    figures.append(this.readiness.box, this.sectionsDone.box, this.objections.box);
    this.gaps = document.createElement('div');
    this.gaps.className = 'hm-gaps';
    this.element.append(figures, this.gaps);
    this.followUp = document.createElement('details');
    this.followUp.className = 'hm-side-panel hm-follow-up';
    const summary = document.createElement('summary');
    summary.textContent = 'Follow-up: unreviewed paragraphs per member';
    this.followList = document.createElement('div');
    this.followUp.append(summary, this.followList);
    this.followUp.addEventListener('toggle', () => this.followUp.open && this.renderFollowUp());
    this.recountSections();
  }

  /** After an engine change of the groups' engine (the gutter's). */
  groupsChanged(change: EngineChange): void {
    if (change.all) this.recountSections();
    else for (const id of change.sections) this.recountSection(id);
  }

  /**
   * After stances or edits from peers: the figures follow in the first idle time after
   * the cells are painted (within 100 ms), once for a burst of changes. Rewriting a
   * figure costs Blink a style, layout and paint pass of the band — about as much as the
   * cells' repaint itself — and a backlog arriving from a sync would pay it per change.
   */
  renderSoon(): void {
    if (this.pending) return;
    this.pending = requestIdleCallback(() => {
      this.pending = 0;
      this.render();
    }, { timeout: 100 });
  }

  render(): void {
    if (this.pending) cancelIdleCallback(this.pending);
    this.pending = 0;
    const readiness = this.groups.readiness();
    // Rounded down, as the status bar does: never more ready than it is.
    setText(this.readiness.value, `${Math.floor(readiness.share * 100)}%`);
    const readinessTitle = `${readiness.recognized} of ${readiness.blocks} paragraphs recognized by every group`;
    if (this.readiness.box.title !== readinessTitle) this.readiness.box.title = readinessTitle;
    let done = 0;
    for (const value of this.recognized.values()) if (value) done += 1;
    setText(this.sectionsDone.value, `${done} of ${this.recognized.size}`);
    const objections = this.groups.objectionsStanding();
    setText(this.objections.value, String(objections));
    this.objections.box.classList.toggle('hm-alert', objections > 0);
    const gaps = this.tracker.gaps();
    // The list is rebuilt only for other columns; a stance that moves a gap rewrites that
    // item's figure (a member view has 60 items: rebuilding them restyled and laid out the
    // whole band for one figure).
    const columns = `${this.tracker.ready}|${gaps.map((g) => `${g.columnId}:${g.label}`).join('|')}`;
    const revision = this.tracker.revision;
    if (columns !== this.gapColumns) {
      this.gapColumns = columns;
      this.renderGaps(gaps);
    } else if (revision !== this.gapRevision) {
      gaps.forEach((gap, i) => {
        const shown = this.gapItems[i];
        if (shown) paintGap(shown, gap);
      });
    }
    this.gapRevision = revision;
    if (this.followUp.open) this.renderFollowUp();
  }

  private renderGaps(gaps: readonly ColumnGap[]): void {
    const title = document.createElement('span');
    title.className = 'hm-gaps-title';
    title.textContent = this.tracker.ready ? 'Not reviewed at all, per column:' : 'Not reviewed at all, per column: counting…';
    const list = document.createElement('ul');
    list.setAttribute('aria-label', 'Participation gaps: share of paragraphs no member of the column has reviewed');
    this.gapList = list;
    this.gapItems = [];
    this.addGapItems(gaps.slice(0, GAPS_AT_ONCE));
    this.gaps.replaceChildren(title, list);
    if (this.gapRest) cancelIdleCallback(this.gapRest);
    this.gapRest = 0;
    if (gaps.length > GAPS_AT_ONCE) {
      this.gapRest = requestIdleCallback(() => {
        this.gapRest = 0;
        // The tracker's gaps as they are now (stances may have come meanwhile), same columns.
        if (this.gapList === list) this.addGapItems(this.tracker.gaps().slice(this.gapItems.length));
      }, { timeout: 250 });
    }
  }

  private addGapItems(gaps: readonly ColumnGap[]): void {
    const list = this.gapList;
    if (!list) return;
    for (const gap of gaps) {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = gap.label;
      const value = document.createElement('strong');
      item.append(name, value);
      list.append(item);
      const shown: GapItem = { item, value, shown: '' };
      paintGap(shown, gap);
      this.gapItems.push(shown);
    }
  }

  private recountSections(): void {
    this.recognized = new Map();
    for (const section of sectionsOf(this.groups.blocks)) this.countSection(section);
  }

  private recountSection(id: string): void {
    const section = sectionsOf(this.groups.blocks).find((s) => s.id === id);
    if (section) this.countSection(section);
    else this.recognized.delete(id);
  }

  private countSection(section: Section): void {
    this.recognized.set(section.id, sectionRecognizedByAll(section, (b) => this.groups.result(b)));
  }

  private renderFollowUp(): void {
    const follow = memberFollowUps(this.model, this.roster());
    const columns = new Map(this.model.columns.map((c) => [c.id, c.label]));
    const list = document.createElement('ul');
    list.className = 'hm-follow-list';
    for (const member of follow) {
      const item = document.createElement('li');
      const head = document.createElement('div');
      head.className = 'hm-follow-head';
      head.textContent = `${member.name} (${columns.get(member.columnId) ?? member.columnId}) — ${member.unreviewed.length} not reviewed`;
      const links = document.createElement('div');
      links.className = 'hm-follow-links';
      for (const id of member.unreviewed.slice(0, FOLLOW_UP_SHOWN)) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'hm-link';
        const number = this.model.numberOf(id);
        const text = this.model.engine.blocks.byId.get(id)?.text ?? '';
        button.textContent = number || text.slice(0, 24) || id;
        button.title = text;
        button.addEventListener('click', () => this.open(id));
        links.append(button);
      }
      if (member.unreviewed.length > FOLLOW_UP_SHOWN) links.append(` and ${member.unreviewed.length - FOLLOW_UP_SHOWN} more`);
      item.append(head, links);
      list.append(item);
    }
    if (follow.length === 0) {
      const none = document.createElement('p');
      none.textContent = 'Every member has reviewed every paragraph.';
      this.followList.replaceChildren(none);
    } else {
      this.followList.replaceChildren(list);
    }
  }
}
