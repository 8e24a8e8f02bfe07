/**
 * Everyone else who is here, by stakeholder group: what the status line's "Also here (N)"
 * button opens. The line itself cuts a long list short (forty members in a meeting), and
 * a chair wants to see at a glance which groups are in the room.
 */
import type { PresenceUser } from '../../shared/presence-user.ts';

const NO_GROUP = 'No group given';

/** A person's colour as a dot beside their name (the colour of their caret in the text). */
export function presenceDot(colour: number): HTMLElement {
  const dot = document.createElement('span');
  dot.className = `presence-dot presence-c${colour}`;
  dot.setAttribute('aria-hidden', 'true');
  return dot;
}

/** Groups in alphabetical order (those who gave none last), each with its people by name. */
export function byGroup(users: PresenceUser[]): Array<[string, PresenceUser[]]> {
  const groups = new Map<string, PresenceUser[]>();
  for (const user of users) {
    const group = user.group || NO_GROUP;
    const people = groups.get(group);
    if (people) people.push(user);
    else groups.set(group, [user]);
  }
  const order = (group: string): string => (group === NO_GROUP ? '\uffff' : group.toLocaleLowerCase());
  return [...groups]
    .sort(([a], [b]) => order(a).localeCompare(order(b)))
    .map(([group, people]) => [group, people.sort((x, y) => x.name.localeCompare(y.name))]);
}

export function renderPresencePanel(panel: HTMLElement, users: PresenceUser[]): void {
  const title = document.createElement('h2');
  title.className = 'presence-panel-title';
  title.textContent = users.length === 1 ? 'Also here: 1 person' : `Also here: ${users.length} people`;
  const sections = byGroup(users).map(([group, people]) => {
    const section = document.createElement('section');
    const heading = document.createElement('h3');
    heading.textContent = `${group} · ${people.length}`;
    const list = document.createElement('ul');
    for (const user of people) {
      const item = document.createElement('li');
      item.append(presenceDot(user.colour), user.name);
      list.append(item);
    }
    section.append(heading, list);
    return section;
  });
  panel.replaceChildren(title, ...sections);
}
