/**
 * Who else has the report open right now (name, stakeholder group, colour), from the
 * awareness states main relays; shown in the status line and read out politely when it
 * changes.
 */
import type * as awarenessProtocol from 'y-protocols/awareness';
import { readUser, type PresenceUser } from '../editor/presence.ts';

export class PresenceList {
  readonly element: HTMLElement;
  private readonly awareness: awarenessProtocol.Awareness;
  /** What the list shows, so that a caret moved or a keystroke typed (an awareness change too) does not redraw it and have it read out again. */
  private shown: string | null = null;

  constructor(awareness: awarenessProtocol.Awareness) {
    this.awareness = awareness;
    this.element = document.createElement('span');
    this.element.className = 'presence-list';
    this.element.id = 'presence-list';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-label', 'Who else is here');
    awareness.on('change', this.render);
    this.render();
  }

  others(): PresenceUser[] {
    const out: PresenceUser[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const user = readUser(state);
      if (user) out.push(user);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  private readonly render = (): void => {
    const others = this.others();
    const shown = JSON.stringify(others.map((user) => [user.name, user.group, user.colour]));
    if (shown === this.shown) return;
    this.shown = shown;
    this.element.replaceChildren();
    this.element.hidden = others.length === 0;
    this.element.title = '';
    if (others.length === 0) return;
    // A full status line cuts the list short: the count and the tooltip still say it all.
    const label = (user: PresenceUser): string => (user.group ? `${user.name} (${user.group})` : user.name);
    this.element.title = others.map(label).join(', ');
    this.element.append(document.createTextNode(others.length > 1 ? `Also here (${others.length}): ` : 'Also here: '));
    others.forEach((user, i) => {
      const item = document.createElement('span');
      item.className = 'presence-person';
      item.dataset.name = user.name;
      const dot = document.createElement('span');
      dot.className = `presence-dot presence-c${user.colour}`;
      dot.setAttribute('aria-hidden', 'true');
      item.append(dot, document.createTextNode(label(user)));
      if (i > 0) this.element.append(document.createTextNode(', '));
      this.element.append(item);
    });
  };

  destroy(): void {
    this.awareness.off('change', this.render);
  }
}
