/**
 * Who else has the report open right now (name, stakeholder group, colour), from the
 * awareness states main relays; shown in the status line.
 *
 * A screen reader hears who joined or left ("Bo Lin (civil society) joined"), not the
 * list again: with forty members arriving for a meeting, a list read out at every
 * arrival would be forty names forty times. Who left is said after a few seconds, if
 * they are not back by then (LEFT_SAID_AFTER_MS). The announcer stands beside the list
 * (mount it in the status line too), since the list is hidden when nobody else is here,
 * which is just when "… left" must still be said.
 */
import type * as awarenessProtocol from 'y-protocols/awareness';
import { namesInSentence, presenceLabel as label, readUser, type PresenceUser } from '../../shared/presence-user.ts';
import { presenceDot, renderPresencePanel } from './presence-panel.ts';
import { politeRegion } from '../ui/live-region.ts';

/**
 * A departure is said once its person has stayed away this long. A link that reconnects,
 * a catch-up that starts or ends, a window reloaded: each drops people for a moment, and
 * back they come; "Ana left. Ana joined." at each would be noise, and the order reversed.
 */
export const LEFT_SAID_AFTER_MS = 5_000;

function namesOf(labels: string[], what: 'joined' | 'left'): string {
  if (labels.length === 0) return '';
  if (labels.length > 3) return `${labels.length} people ${what}.`;
  return `${namesInSentence(labels)} ${what}.`;
}

/** "Ana Diaz (government) joined.", "Ana Diaz and Bo Lin left.", "5 people joined. Bo Lin left." */
export function whoCameAndWent(joined: string[], left: string[]): string {
  return [namesOf(joined, 'joined'), namesOf(left, 'left')].filter(Boolean).join(' ');
}

export class PresenceList {
  readonly element: HTMLElement;
  /** Says who joined or left (visually hidden, polite). */
  readonly announcer: HTMLElement;
  /** Everyone, by group (presence-panel.ts); mount it in the status line, outside the list, which clips. */
  readonly panel: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly names: HTMLElement;
  private others: PresenceUser[] = [];
  private readonly awareness: awarenessProtocol.Awareness;
  /** Who was shown (label by awareness client id); null before the first render. */
  private present: Map<number, string> | null = null;
  /** What the list shows, so that a caret moved or a keystroke typed (an awareness change too) does not redraw it. */
  private shown: string | null = null;
  /** Who went, by awareness client id, not yet said (LEFT_SAID_AFTER_MS), and since when. */
  private readonly leaving = new Map<number, { label: string; since: number }>();
  private leavingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(awareness: awarenessProtocol.Awareness) {
    this.awareness = awareness;
    this.element = document.createElement('span');
    this.element.className = 'presence-list';
    this.element.id = 'presence-list';
    this.toggle = document.createElement('button');
    this.toggle.type = 'button';
    this.toggle.id = 'presence-all';
    this.toggle.className = 'presence-all';
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.setAttribute('aria-controls', 'presence-panel');
    this.names = document.createElement('span');
    this.element.append(this.toggle, this.names);
    this.panel = document.createElement('div');
    this.panel.id = 'presence-panel';
    this.panel.className = 'presence-panel';
    this.panel.setAttribute('role', 'region');
    this.panel.setAttribute('aria-label', 'Who is here');
    this.panel.tabIndex = -1;
    this.panel.hidden = true;
    this.wirePanel();
    this.announcer = politeRegion('presence-announcer');
    awareness.on('change', this.render);
    this.render();
  }

  /** The others, by awareness client id, sorted by name. */
  private othersById(): Array<[number, PresenceUser]> {
    const out: Array<[number, PresenceUser]> = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const user = readUser(state);
      if (user) out.push([clientId, user]);
    }
    return out.sort((a, b) => a[1].name.localeCompare(b[1].name));
  }

  private readonly render = (): void => {
    const byId = this.othersById();
    const others = byId.map(([, user]) => user);
    const shown = JSON.stringify(byId.map(([id, user]) => [id, user.name, user.group, user.colour]));
    if (shown === this.shown) return;
    this.shown = shown;
    this.announceArrivals(new Map(byId.map(([id, user]) => [id, label(user)])));
    this.others = others;
    this.names.replaceChildren();
    this.element.hidden = others.length === 0;
    this.element.title = '';
    if (others.length === 0) {
      this.showPanel(false);
      return;
    }
    if (!this.panel.hidden) renderPresencePanel(this.panel, others);
    // A full status line cuts the list short: the button, the count and the tooltip still say it all.
    this.element.title = others.map(label).join(', ');
    this.toggle.textContent = others.length > 1 ? `Also here (${others.length})` : 'Also here';
    this.names.append(document.createTextNode(': '));
    others.forEach((user, i) => {
      const item = document.createElement('span');
      item.className = 'presence-person';
      item.dataset.name = user.name;
      item.append(presenceDot(user.colour), document.createTextNode(label(user)));
      if (i > 0) this.names.append(document.createTextNode(', '));
      this.names.append(item);
    });
  };

  /** A disclosure: the button opens and closes it; Escape, or a click elsewhere, closes it. */
  private wirePanel(): void {
    this.toggle.addEventListener('click', () => this.showPanel(this.toggle.getAttribute('aria-expanded') !== 'true'));
    for (const part of [this.toggle, this.panel]) {
      part.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && !this.panel.hidden) {
          event.preventDefault();
          this.showPanel(false);
          this.toggle.focus();
        }
      });
    }
    document.addEventListener('pointerdown', this.closeOnClickElsewhere);
  }

  private readonly closeOnClickElsewhere = (event: PointerEvent): void => {
    const target = event.target as Node;
    if (!this.panel.hidden && !this.panel.contains(target) && !this.toggle.contains(target)) this.showPanel(false);
  };

  private showPanel(show: boolean): void {
    if (show) renderPresencePanel(this.panel, this.others);
    this.panel.hidden = !show;
    this.toggle.setAttribute('aria-expanded', String(show));
  }

  /**
   * By connection: someone who says who they are in the roster has neither joined nor
   * left. One back soon after going (by the same connection, or by a new one under the
   * same name: a window reloaded) has neither.
   */
  private announceArrivals(now: Map<number, string>): void {
    const before = this.present;
    this.present = now;
    if (before === null) return;
    const joined: string[] = [];
    for (const [id, named] of now) {
      if (before.has(id)) continue;
      const back = [...this.leaving].find(([goneId, gone]) => goneId === id || gone.label === named);
      if (back) this.leaving.delete(back[0]);
      else joined.push(named);
    }
    for (const [id, named] of before) if (!now.has(id)) this.leaving.set(id, { label: named, since: Date.now() });
    const said = whoCameAndWent(joined, []);
    if (said) this.announcer.textContent = said;
    this.sayWhoLeftLater();
  }

  private sayWhoLeftLater(): void {
    clearTimeout(this.leavingTimer);
    this.leavingTimer = undefined;
    if (this.leaving.size === 0) return;
    const first = Math.min(...[...this.leaving.values()].map((gone) => gone.since));
    this.leavingTimer = setTimeout(this.sayWhoLeft, first + LEFT_SAID_AFTER_MS - Date.now());
  }

  private readonly sayWhoLeft = (): void => {
    const left: string[] = [];
    for (const [id, gone] of this.leaving) {
      if (Date.now() - gone.since < LEFT_SAID_AFTER_MS) continue;
      left.push(gone.label);
      this.leaving.delete(id);
    }
    const said = whoCameAndWent([], left);
    if (said) this.announcer.textContent = said;
    this.sayWhoLeftLater();
  };

  destroy(): void {
    clearTimeout(this.leavingTimer);
    this.awareness.off('change', this.render);
    document.removeEventListener('pointerdown', this.closeOnClickElsewhere);
  }
}
