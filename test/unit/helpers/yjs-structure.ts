/**
 * What a Yjs document's own bookkeeping must satisfy after any update: every item sits in
 * its parent's list (or map entry), with neighbours that point back at it. A struct Yjs
 * integrated against contradictory references would break this without throwing. And the
 * walks and reloads the fuzz tests check documents with.
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

/** An XML tree's root and every element in it (depth first, in document order), with its texts. */
export function places(root: Y.XmlFragment): { parents: Array<Y.XmlFragment | Y.XmlElement>; texts: Y.XmlText[] } {
  const parents: Array<Y.XmlFragment | Y.XmlElement> = [root];
  const texts: Y.XmlText[] = [];
  const walk = (parent: Y.XmlFragment | Y.XmlElement): void => {
    for (const child of parent.toArray()) {
      if (child instanceof Y.XmlElement) {
        parents.push(child);
        walk(child);
      } else if (child instanceof Y.XmlText) texts.push(child);
    }
  };
  walk(root);
  return { parents, texts };
}

/**
 * A document as its own bytes load back: what it stores and sends. A live copy's own
 * encoding also shows where it split items in memory (an undo splits text where it
 * restores part of it; other copies do not), and a copy whose items' origins contradict
 * their place (yjs/yjs#794) shows another text than this.
 */
export function loadedBack(doc: Y.Doc): Y.Doc {
  const reloaded = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc));
  return reloaded;
}
