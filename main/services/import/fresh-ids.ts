/**
 * Every imported block gets a fresh id: ids from a file (ours or anyone's) would collide
 * with blocks already in the report, and endorsements must never attach to text they
 * were not given on.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { schema, hasBlockId } from '../../../shared/schema.ts';
import { newBlockId } from '../../../shared/block-ids.ts';

type NodeJSON = { type: string; attrs?: Record<string, unknown>; content?: NodeJSON[] } & Record<string, unknown>;

function withFreshIds(json: NodeJSON): NodeJSON {
  const out: NodeJSON = { ...json };
  if (hasBlockId(json.type)) out.attrs = { ...(json.attrs ?? {}), id: newBlockId() };
  if (json.content) out.content = json.content.map(withFreshIds);
  return out;
}

export function giveFreshIds(doc: PMNode): PMNode {
  const fresh = schema.nodeFromJSON(withFreshIds(doc.toJSON() as NodeJSON));
  fresh.check();
  return fresh;
}
