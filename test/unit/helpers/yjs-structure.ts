/**
 * What a Yjs document's own bookkeeping must satisfy after any update: every item sits in
 * its parent's list (or map entry), with neighbours that point back at it. A struct Yjs
 * integrated against contradictory references would break this without throwing.
 */
import * as Y from 'yjs';

type Linked = Y.Item & { left: Linked | null; right: Linked | null };
type Parent = Y.AbstractType<unknown> & { _start: Linked | null; _map: Map<string, Linked> };

export function structureProblems(doc: Y.Doc): string[] {
  const problems: string[] = [];
  const placed = new Set<Y.Item>();
  const visit = (item: Linked, parent: Parent, key: string | null, where: string): boolean => {
    if (placed.has(item)) {
      problems.push(`${where}: an item met twice`);
      return false;
    }
    placed.add(item);
    if (item.parent !== parent || item.parentSub !== key) problems.push(`${where}: an item whose parent is elsewhere`);
    if (item.content instanceof Y.ContentType) walk(item.content.type as Parent, `${where}/${key ?? 'item'}`);
    return true;
  };
  const walk = (type: Parent, where: string): void => {
    let previous: Linked | null = null;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.left !== previous) problems.push(`${where}: neighbours that disagree`);
      if (!visit(item, type, null, where)) return;
      previous = item;
    }
    for (const [key, last] of type._map) {
      let next: Linked | null = null;
      for (let item: Linked | null = last; item !== null; item = item.left) {
        if (item.right !== next) problems.push(`${where}.${key}: neighbours that disagree`);
        if (!visit(item, type, key, `${where}.${key}`)) return;
        next = item;
      }
    }
  };
  for (const [name, type] of doc.share) walk(type as Parent, name);
  for (const structs of doc.store.clients.values()) {
    for (const struct of structs) {
      if (struct instanceof Y.Item && !placed.has(struct)) problems.push(`item ${struct.id.client}:${struct.id.clock} is in no list`);
    }
  }
  return problems;
}
