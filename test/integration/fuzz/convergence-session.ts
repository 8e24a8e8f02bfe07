/**
 * One seeded convergence session, in the manner of Yjs's `applyRandomTests`: 3–5 peers,
 * each a ProseMirror editor state bound to its own Y.Doc (HeadlessPeer: y-prosemirror's
 * own conversion functions, with the block-id plugin), edit the report with our schema's
 * commands — typing, deletions across blocks, splits, joins, list wrap/unwrap/sink,
 * heading and quote changes, bold —, undo and redo what they did (the UndoManager, around
 * what the others did since), and take signed stances (shared/endorsement.ts).
 *
 * Links: every peer talks to a hub (main's ReportSession, the same code that serves the
 * renderer and sync links) with the y-protocols messages of shared/sync-messages.ts,
 * through queues the session delivers out of order, twice, or drops when it cuts the
 * link (the reconnect handshake must recover). Peers also exchange update bundles
 * (shared/bundle.ts) directly, some complete, some incremental, some lost on the way,
 * some tampered with (which must be refused with the receiver untouched).
 *
 * At the end every link is restored and drained until quiet; then every peer and the hub
 * must hold byte-identical state (Y.encodeStateAsUpdate of the copy loaded back from its
 * bytes), each copy must show the text its own bytes load back to, each editor's document must
 * equal its Y.Doc's, be valid for the schema and have unique block ids, every stance's
 * last record must be present everywhere, and replaying what the hub persisted must
 * rebuild the hub's state. Any failure throws with the seed, so `PLENARY_FUZZ_SEED`
 * replays it.
 */
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as awarenessProtocol from 'y-protocols/awareness';
import { TextSelection, type Command } from 'prosemirror-state';
import { joinBackward, splitBlock } from 'prosemirror-commands';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema, BLOCK_ID_TYPES } from '../../../shared/schema.ts';
import { blockIdPlugin, isBlockId } from '../../../shared/block-ids.ts';
import { bodyOf, createReportDoc, endorsementsOf, Origin, writeMeta } from '../../../shared/ydoc.ts';
import { addCreatorAsChair, addMember, readRoster, type MemberInput } from '../../../shared/roster.ts';
import { publicKeyOf } from '../../../shared/signing.ts';
import { extractBlocks } from '../../../shared/report-blocks.ts';
import { prepareStance, signEndorsement, type Endorsement } from '../../../shared/endorsement.ts';
import { putEndorsement } from '../../../shared/endorsement-store.ts';
import { encodeSyncStep1, encodeUpdate, handleMessage, assertWellFormedUpdate, MessageType } from '../../../shared/sync-messages.ts';
import { applyBundleUpdate, BundleError, createBundle, decodeBundle, mergeStateVectors } from '../../../shared/bundle.ts';
import { checkBundleBase, checkBundleFor } from '../../../shared/bundle-checks.ts';
import { reportParts } from '../../../main/services/sync/report-parts.ts';
import { takePartsAsSent } from '../../../main/services/sync/parts-as-sent.ts';
import {
  liftListItemCommand, setHeading, setParagraph, sinkListItemCommand, splitListItemCommand, toggleBlockquote,
  toggleBold, toggleBulletList, toggleOrderedList,
} from '../../../shared/editor/index.ts';
import { ReportSession, type SessionPeer } from '../../../main/services/report-session.ts';
import { HeadlessPeer, settle } from '../../unit/helpers/headless-peer.ts';
import { neighbourOrderProblem, neighbourPairs } from '../../../shared/neighbour-order.ts';
import * as decoding from 'lib0/decoding';
import { loadedBack } from '../../unit/helpers/yjs-structure.ts';

export const REPORT_ID = 'fuzz-report';
const GROUPS = ['government', 'private-sector', 'civil-society', 'international-organization'];

/** Deterministic keys, so a replayed seed signs the same bytes. */
function privateKeyOf(i: number): string {
  return bytesToHex(sha256(new TextEncoder().encode(`plenary fuzz member ${i}`)));
}

let baseUpdate: Uint8Array | null = null;

/** The report every session starts from: a few blocks of each kind and a roster of 6. */
function base(): Uint8Array {
  if (baseUpdate) return baseUpdate;
  const doc = createReportDoc();
  doc.clientID = 1;
  writeMeta(doc, { id: REPORT_ID, title: 'Fuzz report', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
  const p = (id: string, text: string) => ({ type: 'paragraph', attrs: { id }, content: [{ type: 'text', text }] });
  const json = {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { id: 'h-scope', level: 1 }, content: [{ type: 'text', text: 'Scope' }] },
      p('p-open', 'The forum should be open to all stakeholders.'),
      p('p-meets', 'It meets once a year.'),
      { type: 'bullet_list', content: [{ type: 'list_item', attrs: { id: 'li-one' }, content: [p('p-li1', 'Access')] }, { type: 'list_item', attrs: { id: 'li-two' }, content: [p('p-li2', 'Security')] }] },
      { type: 'blockquote', attrs: { id: 'q-tunis' }, content: [p('p-quote', 'All stakeholders recognize themselves.')] },
      p('p-end', 'End.'),
    ],
  };
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, json, bodyOf(doc)), Origin.seed);
  for (let i = 0; i < 6; i++) {
    const input: MemberInput & { id: string } = {
      id: `m${i}`, name: `Member ${i}`, group: GROUPS[i % GROUPS.length]!, region: 'african', development: 'developing',
      gender: i % 2 ? 'man' : 'woman', role: i === 0 ? 'chair' : 'member', publicKey: publicKeyOf(privateKeyOf(i)),
    };
    if (i === 0) addCreatorAsChair(doc, input, Origin.seed);
    else addMember(doc, input, Origin.seed);
  }
  baseUpdate = Y.encodeStateAsUpdate(doc);
  return baseUpdate;
}

export class ConvergenceError extends Error {
  override name = 'ConvergenceError';
}

interface Link {
  toHub: Uint8Array[];
  toPeer: Uint8Array[];
  hubSide: SessionPeer | null;
}

interface Peer {
  index: number;
  editor: HeadlessPeer;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  link: Link;
  memberId: string;
  privateKey: string;
}

export interface SessionStats {
  seed: number;
  peers: number;
  steps: number;
  ops: Record<string, number>;
}

const WORDS = ['forum', 'open', 'multi', 'stakeholder', 'internet', 'governance', 'é', '中文', ' ', 'and', 'the', '🙂'];

export async function runConvergenceSession(seed: number, options: { steps?: number } = {}): Promise<SessionStats> {
  const gen = prng.create(seed);
  const fail = (what: string): never => {
    throw new ConvergenceError(`seed ${seed}: ${what} (replay with PLENARY_FUZZ_SEED=${seed})`);
  };
  const ops: Record<string, number> = {};
  const count = (op: string): void => { ops[op] = (ops[op] ?? 0) + 1; };
  // What the sync server, the app's links and bundle imports refuse (shared/neighbour-order.ts)
  // must never be what members' editors write.
  const mustBeTakenBy = (doc: Y.Doc, update: Uint8Array, where: string): void => {
    const { problem, pairs } = neighbourPairs(Y.decodeUpdate(update));
    const refused = problem ?? neighbourOrderProblem(doc, pairs);
    if (refused) fail(`${where}: an update of members' edits would be refused (${refused})`);
  };
  const messageMustBeTakenBy = (doc: Y.Doc, message: Uint8Array, where: string): void => {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MessageType.sync) return;
    const subtype = decoding.readVarUint(decoder);
    if (subtype === 1 || subtype === 2) mustBeTakenBy(doc, decoding.readVarUint8Array(decoder), where);
  };

  const hubDoc = createReportDoc();
  hubDoc.clientID = 2;
  Y.applyUpdate(hubDoc, base(), Origin.load);
  const persisted: Uint8Array[] = [base()];
  const hub = new ReportSession(hubDoc, (update) => persisted.push(update));

  const peerCount = prng.int32(gen, 3, 5);
  const peers: Peer[] = [];
  for (let i = 0; i < peerCount; i++) {
    const doc = createReportDoc();
    // Distinct ids: two peers drawing the same one write different structs under the same
    // ids, and Yjs keeps one of each (a one-in-four-billion draw for real clients).
    let clientID = 1000 + i * 7919 + prng.uint32(gen, 0, 1_000_000);
    while (peers.some((other) => other.doc.clientID === clientID)) clientID++;
    doc.clientID = clientID;
    Y.applyUpdate(doc, base(), Origin.load);
    const editor = new HeadlessPeer(doc, [blockIdPlugin()]);
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalStateField('user', { name: `Member ${i + 1}` });
    const peer: Peer = { index: i, editor, doc, awareness, link: { toHub: [], toPeer: [], hubSide: null }, memberId: `m${i + 1}`, privateKey: privateKeyOf(i + 1) };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== peer.link && peer.link.hubSide) peer.link.toHub.push(encodeUpdate(update));
    });
    peers.push(peer);
    connect(peer);
  }

  function connect(peer: Peer): void {
    if (peer.link.hubSide) return;
    const link = peer.link;
    link.hubSide = hub.connect((message) => link.toPeer.push(message));
    link.toHub.push(encodeSyncStep1(peer.doc));
  }

  function disconnect(peer: Peer): void {
    peer.link.hubSide?.close();
    peer.link.hubSide = null;
    // Whatever was in flight is lost with the connection.
    peer.link.toHub.length = 0;
    peer.link.toPeer.length = 0;
  }

  function deliverOne(peer: Peer, toHub: boolean, reorder: boolean, duplicate: boolean): void {
    const queue = toHub ? peer.link.toHub : peer.link.toPeer;
    if (queue.length === 0) return;
    const at = reorder ? prng.int32(gen, 0, queue.length - 1) : 0;
    const message = queue[at]!;
    if (!duplicate) queue.splice(at, 1);
    if (toHub) {
      if (peer.link.hubSide) messageMustBeTakenBy(hubDoc, message, `the hub, from peer ${peer.index}`);
      peer.link.hubSide?.receive(message);
    } else {
      messageMustBeTakenBy(peer.doc, message, `peer ${peer.index}, from the hub`);
      const reply = handleMessage(message, peer.doc, peer.awareness, peer.link);
      if (reply) peer.link.toHub.push(reply);
    }
  }

  // What each peer knows the others have, from bundles (known[from][to]).
  const known: (Uint8Array | undefined)[][] = peers.map(() => peers.map(() => undefined));
  const expectedStances = new Map<string, Endorsement>();

  /**
   * Cursor positions in text blocks, never between the two halves of a surrogate pair
   * (an editor moves and deletes by whole characters; see the report of this fuzz for
   * what a lone surrogate does to a stance's signature).
   */
  function textPositions(peer: Peer): number[] {
    const out: number[] = [];
    peer.editor.state.doc.descendants((node, pos) => {
      if (!node.isTextblock) return true;
      const text = node.textBetween(0, node.content.size, undefined, '\n');
      for (let o = 0; o <= node.content.size; o++) {
        if (o > 0 && o < text.length && /[\uD800-\uDBFF]/.test(text[o - 1]!) && /[\uDC00-\uDFFF]/.test(text[o]!)) continue;
        out.push(pos + 1 + o);
      }
      return false;
    });
    return out;
  }

  function run(peer: Peer, command: Command, pos: number, to?: number): boolean {
    const { editor } = peer;
    editor.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, pos, to ?? pos)));
    return command(editor.state, (tr) => editor.dispatch(tr));
  }

  function edit(peer: Peer): void {
    const positions = textPositions(peer);
    if (positions.length === 0) return;
    const pos = prng.oneOf(gen, positions);
    const roll = prng.int32(gen, 0, 99);
    const { editor } = peer;
    // Undo and redo restore what the member did, around what the others did since.
    const history = prng.int32(gen, 0, 11);
    if (history === 0) {
      count('undo');
      editor.undoManager.undo();
    } else if (history === 1) {
      count('redo');
      editor.undoManager.redo();
    } else if (roll < 40) {
      count('type');
      editor.dispatch(editor.state.tr.insertText(prng.oneOf(gen, WORDS) + (prng.bool(gen) ? ' ' : ''), pos));
    } else if (roll < 55) {
      count('delete');
      const other = prng.oneOf(gen, positions);
      const [from, to] = pos <= other ? [pos, other] : [other, pos];
      // Keep deletions short so documents do not empty out.
      const limit = Math.min(to, from + prng.int32(gen, 1, 40));
      const end = positions.filter((p) => p >= from && p <= limit).pop() ?? from;
      try {
        editor.dispatch(editor.state.tr.delete(from, end));
      } catch {
        count('delete-refused');
      }
    } else if (roll < 65) {
      count('split');
      if (!run(peer, splitListItemCommand, pos)) run(peer, splitBlock, pos);
    } else if (roll < 72) {
      count('join');
      const $pos = editor.state.doc.resolve(pos);
      run(peer, joinBackward, $pos.start());
    } else if (roll < 79) {
      count('heading');
      run(peer, prng.bool(gen) ? setHeading(prng.int32(gen, 1, 4)) : setParagraph, pos);
    } else if (roll < 88) {
      count('list');
      const command = prng.oneOf(gen, [toggleBulletList, toggleOrderedList, liftListItemCommand, sinkListItemCommand]);
      run(peer, command, pos);
    } else if (roll < 93) {
      count('quote');
      run(peer, toggleBlockquote, pos);
    } else {
      count('bold');
      const other = prng.oneOf(gen, positions);
      const $a = editor.state.doc.resolve(Math.min(pos, other));
      run(peer, toggleBold, $a.pos, Math.min(Math.max(pos, other), $a.end()));
    }
  }

  function stance(peer: Peer, step: number): void {
    const blocks = extractBlocks(peer.editor.state.doc);
    if (blocks.order.length === 0) return;
    const blockId = prng.oneOf(gen, [...blocks.order]);
    const context = { blockText: (id: string) => blocks.byId.get(id)?.text, roster: readRoster(peer.doc) };
    const kind = prng.oneOf(gen, ['endorse', 'accept', 'reserve', 'object']);
    const at = new Date(Date.UTC(2026, 10, 28, 0, 0, step)).toISOString();
    const fields = prepareStance(context, { blockId, memberId: peer.memberId, stance: kind, note: kind === 'reserve' || kind === 'object' ? 'A note.' : undefined, at });
    const record = putEndorsement(peer.doc, REPORT_ID, signEndorsement(REPORT_ID, fields, peer.privateKey), context, Origin.local);
    expectedStances.set(`${blockId}:${peer.memberId}`, record);
    count('stance');
  }

  function bundle(from: Peer, to: Peer): void {
    const complete = prng.int32(gen, 0, 3) === 0;
    const baseVector = complete ? undefined : known[from.index]![to.index];
    const bytes = createBundle(from.doc, { reportId: REPORT_ID, reportTitle: 'Fuzz report', sender: `Member ${from.index}`, recipient: `Member ${to.index}`, createdAt: '2026-11-28T00:00:00.000Z' }, baseVector);
    known[from.index]![to.index] = mergeStateVectors(known[from.index]![to.index], Y.encodeStateVector(from.doc));
    const fate = prng.int32(gen, 0, 9);
    if (fate === 0) {
      count('bundle-lost');
      return;
    }
    if (fate === 1) {
      const before = Y.encodeStateAsUpdate(to.doc);
      count('bundle-tampered');
      const tampered = bytes.slice();
      const at = prng.int32(gen, 9, tampered.length - 1);
      tampered[at] = (tampered[at]! + 1 + prng.int32(gen, 0, 254)) % 256;
      try {
        decodeBundle(tampered);
        fail(`a bundle with byte ${at} altered was accepted`);
      } catch (error) {
        if (!(error instanceof BundleError)) throw error;
      }
      if (!equalBytes(before, Y.encodeStateAsUpdate(to.doc))) fail('a refused bundle changed the receiver');
      return;
    }
    const decoded = decodeBundle(bytes);
    checkBundleFor(decoded, { id: REPORT_ID, title: 'Fuzz report' });
    try {
      checkBundleBase(decoded, Y.decodeStateVector(Y.encodeStateVector(to.doc)));
    } catch (error) {
      if (!(error instanceof BundleError) || error.problem !== 'missing-earlier') throw error;
      count('bundle-refused-missing-earlier');
      return;
    }
    const update = decoded.updateFormat === 'v2' ? Y.convertUpdateFormatV2ToV1(decoded.update) : decoded.update;
    assertWellFormedUpdate(update);
    mustBeTakenBy(to.doc, update, `a bundle from peer ${from.index} to peer ${to.index}`);
    const times = fate === 2 ? 2 : 1;
    for (let i = 0; i < times; i++) applyBundleUpdate(to.doc, decoded, Origin.bundle);
    known[to.index]![from.index] = mergeStateVectors(known[to.index]![from.index], decoded.after);
    count(complete ? 'bundle-complete' : 'bundle-incremental');
  }

  /**
   * What `from` has that `to` lacks, carried as a report too large for a server's limit
   * is: in parts (report-parts.ts) into an incoming copy of what `to` has, which takes
   * them in as sent (incoming-copies.ts), then merged into `to` in one update.
   */
  function parts(from: Peer, to: Peer): void {
    const limit = prng.int32(gen, 64, 4096);
    // What Yjs's own sync (one update) would leave `to` showing: the parts must leave the
    // same. (Structs waiting in a copy are not passed on, our Yjs patch; `to` lets its own
    // in when what they wait for comes, so the copy made to compare holds them too.)
    const inOne = createReportDoc();
    Y.applyUpdate(inOne, Y.encodeStateAsUpdate(to.doc));
    if (to.doc.store.pendingStructs) Y.applyUpdateV2(inOne, to.doc.store.pendingStructs.update);
    // (With an editor, as `to` has: y-prosemirror deletes what the schema does not allow.)
    const inOneEditor = new HeadlessPeer(inOne, [blockIdPlugin()]);
    Y.applyUpdate(inOne, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)));
    const copy = createReportDoc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(to.doc));
    takePartsAsSent(copy);
    for (const part of reportParts(from.doc, Y.encodeStateVector(copy), limit)) {
      mustBeTakenBy(copy, part, `an incoming copy, a part from peer ${from.index}`);
      Y.applyUpdate(copy, part);
      if (copy.store.pendingStructs !== null) fail(`a part (limit ${limit} B) left structs waiting for a later one`);
    }
    Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(to.doc)), Origin.bundle);
    inOneEditor.destroy();
    if (bodyOf(to.doc).toString() !== bodyOf(inOne).toString()) fail(`the parts (limit ${limit} B) left another text than one update would (formatting lost?)`);
    count('parts');
  }

  const steps = options.steps ?? prng.int32(gen, 20, 60);
  try {
    for (let step = 0; step < steps; step++) {
      const peer = prng.oneOf(gen, peers);
      const roll = prng.int32(gen, 0, 99);
      if (roll < 45) edit(peer);
      else if (roll < 50) stance(peer, step);
      else if (roll < 80) {
        count('deliver');
        for (let n = prng.int32(gen, 1, 6); n > 0; n--) {
          const target = prng.oneOf(gen, peers);
          deliverOne(target, prng.bool(gen), prng.int32(gen, 0, 3) === 0, prng.int32(gen, 0, 9) === 0);
        }
      } else if (roll < 88) {
        if (peer.link.hubSide) {
          count('disconnect');
          disconnect(peer);
        } else {
          count('reconnect');
          connect(peer);
        }
      } else {
        const other = prng.oneOf(gen, peers.filter((p) => p !== peer));
        if (prng.int32(gen, 0, 3) === 0) parts(peer, other);
        else bundle(peer, other);
      }
      await settle();
    }

    // Restore every link and drain until nothing moves.
    for (const peer of peers) connect(peer);
    for (let round = 0; ; round++) {
      if (round > 50) fail('links did not quiesce');
      let moved = false;
      while (peers.some((p) => p.link.toHub.length + p.link.toPeer.length > 0)) {
        moved = true;
        const target = prng.oneOf(gen, peers.filter((p) => p.link.toHub.length + p.link.toPeer.length > 0));
        const toHub = target.link.toPeer.length === 0 || (target.link.toHub.length > 0 && prng.bool(gen));
        deliverOne(target, toHub, prng.bool(gen), prng.int32(gen, 0, 19) === 0);
      }
      await settle();
      if (!moved && peers.every((p) => p.link.toHub.length + p.link.toPeer.length === 0)) break;
    }

    check(hubDoc, peers, persisted, expectedStances, fail);
    return { seed, peers: peerCount, steps, ops };
  } finally {
    for (const peer of peers) {
      disconnect(peer);
      peer.awareness.destroy();
      peer.editor.destroy();
    }
    hub.destroy();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function check(hubDoc: Y.Doc, peers: Peer[], persisted: Uint8Array[], stances: Map<string, Endorsement>, fail: (what: string) => never): void {
  // Compared as their bytes load back (loadedBack says why), each copy once.
  const hubLoaded = loadedBack(hubDoc);
  const reference = Y.encodeStateAsUpdate(hubLoaded);
  const copies = [{ name: 'the hub', doc: hubDoc, loaded: hubLoaded }, ...peers.map((peer) => ({ name: `peer ${peer.index}`, doc: peer.doc, loaded: loadedBack(peer.doc) }))];
  for (const { name, doc, loaded } of copies) {
    if (bodyOf(loaded).toString() !== bodyOf(doc).toString()) fail(`${name} shows another text than its own bytes load back to`);
  }
  for (const [i, peer] of peers.entries()) {
    if (!equalBytes(Y.encodeStateAsUpdate(copies[i + 1]!.loaded), reference)) {
      const sv = equalBytes(Y.encodeStateVector(peer.doc), Y.encodeStateVector(hubDoc));
      const body = bodyOf(peer.doc).toString() === bodyOf(hubDoc).toString();
      const pending = peer.doc.store.pendingStructs !== null || peer.doc.store.pendingDs !== null;
      fail(`peer ${peer.index}'s state differs from the hub's (state vector ${sv ? 'equal' : 'differs'}, body ${body ? 'equal' : 'differs'}, pending ${pending}, hub pending ${hubDoc.store.pendingStructs !== null || hubDoc.store.pendingDs !== null})`);
    }
    const fromY = yXmlFragmentToProseMirrorRootNode(bodyOf(peer.doc), schema);
    if (!peer.editor.state.doc.eq(fromY)) fail(`peer ${peer.index}'s editor shows another document than its Y.Doc`);
    try {
      schema.nodeFromJSON(fromY.toJSON()).check();
    } catch (error) {
      fail(`peer ${peer.index}'s document is invalid: ${(error as Error).message}`);
    }
    const ids = new Set<string>();
    fromY.descendants((node) => {
      if (!BLOCK_ID_TYPES.includes(node.type.name)) return;
      const id: unknown = node.attrs.id;
      if (!isBlockId(id)) fail(`a ${node.type.name} has no valid id (${String(id)})`);
      if (ids.has(id as string)) fail(`block id ${String(id)} appears twice`);
      ids.add(id as string);
    });
    const map = endorsementsOf(peer.doc);
    for (const [key, record] of stances) {
      if (JSON.stringify(map.get(key)) !== JSON.stringify(record)) fail(`peer ${peer.index} lacks the stance ${key}: has ${JSON.stringify(map.get(key))?.slice(0, 200)}, expected ${JSON.stringify(record).slice(0, 200)}`);
    }
  }
  const replayed = createReportDoc();
  Y.applyUpdate(replayed, Y.mergeUpdates(persisted));
  if (!equalBytes(Y.encodeStateAsUpdate(loadedBack(replayed)), reference)) fail('what the hub persisted does not rebuild its state');
}
