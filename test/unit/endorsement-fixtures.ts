// Shared set-up for the endorsement and consensus tests: a report Y.Doc with a body,
// a roster of members with real Ed25519 keys, and stances taken the way the app takes them.
import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, writeMeta, Origin } from '../../shared/ydoc.ts';
import { addCreatorAsChair, addMember, readRoster, type Member, type MemberInput } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { extractBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { prepareStance, signEndorsement, type Endorsement, type StanceContext } from '../../shared/endorsement.ts';
import { putEndorsement } from '../../shared/endorsement-store.ts';

export const REPORT_ID = 'report-0001';

export interface TestMember {
  member: Member;
  privateKey: string;
}

const GROUPS = ['government', 'private-sector', 'civil-society', 'international-organization'];
const REGIONS = ['african', 'asia-pacific', 'eastern-european', 'latin-american-caribbean', 'western-european-other'];

/** Member inputs with fresh keys, spread over the four groups; the first is the chair. */
export function memberInputs(count: number): { input: MemberInput & { id: string }; privateKey: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const keys = generateKeyPair();
    return {
      privateKey: keys.privateKey,
      input: {
        id: `m${i}`, name: `Member ${i}`, group: GROUPS[i % GROUPS.length] ?? 'government',
        region: REGIONS[i % REGIONS.length] ?? 'african', development: i % 3 === 0 ? 'least-developed' : 'developed',
        gender: i % 2 === 0 ? 'woman' : 'man', role: i === 0 ? 'chair' : 'member', publicKey: keys.publicKey,
      },
    };
  });
}

export function paragraphsJson(paragraphs: [id: string, text: string][]): unknown {
  return {
    type: 'doc',
    content: paragraphs.map(([id, text]) => (id.startsWith('h')
      ? { type: 'heading', attrs: { id, level: Number(id[1]) || 1 }, content: [{ type: 'text', text }] }
      : { type: 'paragraph', attrs: { id }, content: text ? [{ type: 'text', text }] : [] })),
  };
}

/** A report with the given blocks (ids starting with "h<level>" are headings) and members. */
export function makeReport(paragraphs: [string, string][], memberCount: number): { doc: Y.Doc; members: TestMember[] } {
  const doc = createReportDoc();
  writeMeta(doc, { id: REPORT_ID, title: 'Test report', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, paragraphsJson(paragraphs), bodyOf(doc)), Origin.seed);
  const members: TestMember[] = [];
  for (const { input, privateKey } of memberInputs(memberCount)) {
    const member = input.role === 'chair' ? addCreatorAsChair(doc, input, Origin.seed) : addMember(doc, input, Origin.seed);
    members.push({ member, privateKey });
  }
  return { doc, members };
}

export function blocksOf(doc: Y.Doc): BlockIndex {
  return extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema));
}

export function contextOf(doc: Y.Doc): StanceContext {
  const blocks = blocksOf(doc);
  return { blockText: (id) => blocks.byId.get(id)?.text, roster: readRoster(doc) };
}

/** Takes a stance as the app does: validate, sign with the member's key, store. */
export function take(
  doc: Y.Doc, who: TestMember, blockId: string, stance: string, note?: string, at?: string,
): Endorsement {
  const context = contextOf(doc);
  const fields = prepareStance(context, { blockId, memberId: who.member.id, stance, note, at });
  return putEndorsement(doc, REPORT_ID, signEndorsement(REPORT_ID, fields, who.privateKey), context, Origin.local);
}

/** Replaces a paragraph's text in the Y.Doc, as a peer's edit would. */
export function setParagraphText(doc: Y.Doc, blockId: string, text: string): void {
  doc.transact(() => {
    for (const node of bodyOf(doc).toArray()) {
      if (node instanceof Y.XmlElement && node.getAttribute('id') === blockId) {
        node.delete(0, node.length);
        node.insert(0, [new Y.XmlText(text)]);
      }
    }
  }, Origin.local);
}

/** Deletes a block from the Y.Doc. */
export function deleteBlock(doc: Y.Doc, blockId: string): void {
  doc.transact(() => {
    const body = bodyOf(doc);
    body.toArray().forEach((node, i) => {
      if (node instanceof Y.XmlElement && node.getAttribute('id') === blockId) body.delete(i, 1);
    });
  }, Origin.local);
}

export function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), Origin.remote);
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), Origin.remote);
}

/** A second peer that starts from the same state (clientID differs). */
export function fork(doc: Y.Doc, clientID?: number): Y.Doc {
  const copy = createReportDoc();
  if (clientID !== undefined) copy.clientID = clientID;
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc), Origin.remote);
  return copy;
}
