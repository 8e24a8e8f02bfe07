// Consensus engine cost on a long report: 5,000 blocks, 60 members in four stakeholder
// groups, 40 stances per block (200,000 signed stances). Prints a table; never fails on
// timing. Run: `npm run bench -- consensus` (or `node test/bench/consensus-bench.ts`).
//
// Signing 200,000 stances for real would take minutes, so the bulk stances carry
// unique placeholder signatures whose outcome is entered in the verifier's cache (as a
// warm cache would have it), and the cost of verifying signatures cold is measured on a
// sample of real ones and multiplied out. Everything else — block extraction, hashing,
// classification, tallies — runs for real on all 200,000.
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';
import { extractBlocks, updateBlocks } from '../../shared/report-blocks.ts';
import { generateKeyPair, verifyBytes } from '../../shared/signing.ts';
import { endorsementMessage, signEndorsement, type Endorsement, type Stance } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { ConsensusEngine } from '../../shared/consensus/engine.ts';
import { plainStanceSource, yMapStanceSource } from '../../shared/consensus/doc-binding.ts';
import { CONSENSUS_RULES } from '../../shared/consensus/rules.ts';
import type { Member } from '../../shared/roster.ts';
import { textHash } from '../../shared/text-hash.ts';
import { createReportDoc, endorsementsOf } from '../../shared/ydoc.ts';
import { nativeVerifyBytes } from '../../main/services/native-ed25519.ts';
import { subtleVerifyBytes, type SubtleLike } from '../../shared/signature-verifier.ts';
import { webcrypto } from 'node:crypto';

const BLOCKS = 5000;
const MEMBERS = 60;
const STANCES_PER_BLOCK = 40;
const KEYSTROKES = 300;
const REPORT = 'bench-report';
const GROUPS = ['government', 'private-sector', 'civil-society', 'international-organization'];
const WORDS = 'the working group recommends that governance of the internet be open inclusive and transparent with the full involvement of governments private sector civil society and international organizations in their respective roles'.split(' ');

let seed = 42;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const sentence = (words: number): string => Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

function now(): number {
  return performance.now();
}

/** CPU time of this process in ms: on a shared machine, wall time also counts waiting for a core. */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** [result, wall ms, CPU ms] */
function time<T>(fn: () => T): [T, number, number] {
  const startCpu = cpu();
  const start = now();
  const value = fn();
  return [value, now() - start, cpu() - startCpu];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// ---- the report ----
const children: PMNode[] = [];
for (let i = 0; i < BLOCKS; i += 1) {
  const id = `b${String(i).padStart(5, '0')}`;
  if (i % 25 === 0) children.push(schema.node('heading', { id, level: i % 100 === 0 ? 1 : 2 }, [schema.text(sentence(6))]));
  else children.push(schema.node('paragraph', { id }, [schema.text(sentence(60))]));
}
let doc = schema.node('doc', null, children);

const keys = Array.from({ length: MEMBERS }, () => generateKeyPair());
const roster = new Map<string, Member>(keys.map((k, i) => [`m${i}`, {
  id: `m${i}`, name: `Member ${i}`, group: GROUPS[i % 4] ?? 'government', region: 'african', development: 'developing',
  gender: 'woman', role: i === 0 ? 'chair' : 'member', publicKey: k.publicKey,
}]));

const [initialBlocks, extractMs, extractCpu] = time(() => extractBlocks(doc));
const verifier = new SignatureVerifier(REPORT);
const stored = new Map<string, Endorsement>();
const STANCE_MIX: Stance[] = ['endorse', 'endorse', 'endorse', 'endorse', 'endorse', 'endorse', 'endorse', 'accept', 'accept', 'reserve'];
let counter = 0;
for (const block of initialBlocks.blocks) {
  const start = Math.floor(random() * MEMBERS);
  for (let j = 0; j < STANCES_PER_BLOCK; j += 1) {
    const memberId = `m${(start + j) % MEMBERS}`;
    const stale = random() < 0.02;
    const stance: Stance = random() < 0.002 ? 'object' : STANCE_MIX[Math.floor(random() * STANCE_MIX.length)] ?? 'endorse';
    const text = stale ? `${block.text} (earlier)` : block.text;
    counter += 1;
    const e: Endorsement = {
      blockId: block.id, memberId, stance, textHash: stale ? textHash(text) : block.textHash, text,
      note: stance === 'reserve' || stance === 'object' ? 'A note.' : '', at: '2026-11-28T10:00:00.000Z',
      signature: counter.toString(16).padStart(128, '0'),
    };
    verifier.remember(e, roster.get(memberId)?.publicKey ?? '', true);
    stored.set(endorsementKey(block.id, memberId), e);
  }
}

// ---- measurements ----
const rows: [string, string][] = [];
const ms = (value: number): string => `${value.toFixed(value < 10 ? 3 : 1)} ms`;
const both = (wall: number, cpuMs: number): string => `${ms(wall)} (CPU ${ms(cpuMs)})`;

rows.push(['blocks / members / stances', `${initialBlocks.blocks.length} / ${MEMBERS} / ${stored.size}`]);
rows.push(['extract blocks (full read + hash)', both(extractMs, extractCpu)]);

const [engine, initialMs, initialCpu] = time(() => new ConsensusEngine({ blocks: initialBlocks, roster, stances: plainStanceSource(stored), verifier }));
rows.push(['initial full computation (signatures cached)', both(initialMs, initialCpu)]);
rows.push(['  readiness / objections', `${(engine.readiness().share * 100).toFixed(1)} % / ${engine.objectionsStanding()}`]);

// Cold verification, measured on real signatures and multiplied out to every stance.
const sample = Array.from({ length: 200 }, (_, i) => {
  const block = initialBlocks.blocks[i] ?? initialBlocks.blocks[0]!;
  const fields = { blockId: block.id, memberId: 'm1', stance: 'endorse' as const, textHash: block.textHash, text: block.text, note: '', at: '2026-11-28T10:00:00.000Z' };
  return { e: signEndorsement(REPORT, fields, keys[1]?.privateKey ?? ''), key: keys[1]?.publicKey ?? '' };
});
for (const [label, verify] of [['@noble/curves', verifyBytes], ['node:crypto', nativeVerifyBytes]] as const) {
  for (const { e, key } of sample.slice(0, 20)) verify(endorsementMessage(REPORT, e), e.signature, key);
  const [, , total] = time(() => sample.forEach(({ e, key }) => verify(endorsementMessage(REPORT, e), e.signature, key)));
  const each = total / sample.length;
  rows.push([`cold signature check, ${label} (CPU)`, `${ms(each)} each → ${(each * stored.size / 1000).toFixed(1)} s for all`]);
}

{
  const verify = subtleVerifyBytes(webcrypto.subtle as unknown as SubtleLike);
  await Promise.all(sample.slice(0, 20).map(({ e, key }) => verify(endorsementMessage(REPORT, e), e.signature, key)));
  const startCpu = cpu();
  await Promise.all(sample.map(({ e, key }) => verify(endorsementMessage(REPORT, e), e.signature, key)));
  const each = (cpu() - startCpu) / sample.length;
  rows.push(['cold signature check, WebCrypto (CPU)', `${ms(each)} each → ${(each * stored.size / 1000).toFixed(1)} s for all`]);
}

// One keystroke: one character more in a paragraph, then blocks and engine updated.
// The docs are made first so that only the update is timed.
const edits: PMNode[] = [];
for (let k = 0; k < KEYSTROKES; k += 1) {
  let index = 1 + Math.floor(random() * (BLOCKS - 1));
  if (index % 25 === 0) index += 1;
  const node = doc.child(index);
  doc = doc.copy(doc.content.replaceChild(index, node.type.create(node.attrs, schema.text(`${node.textContent}${k % 2 ? ' ' : 'x'}`))));
  edits.push(doc);
}
const typing: number[] = [];
const blockPart: number[] = [];
let blocks = initialBlocks;
const typingCpuStart = cpu();
for (const next of edits) {
  const start = now();
  const update = updateBlocks(blocks, next);
  const mid = now();
  engine.updateBlocks(update.index, update.changes);
  typing.push(now() - start);
  blockPart.push(mid - start);
  blocks = update.index;
}
const typingCpu = (cpu() - typingCpuStart) / edits.length;
rows.push(['keystroke: blocks + engine, p50 / p95 / max', `${ms(percentile(typing, 50))} / ${ms(percentile(typing, 95))} / ${ms(Math.max(...typing))}`]);
rows.push(['  mean wall / mean CPU', `${ms(typing.reduce((a, b) => a + b, 0) / typing.length)} / ${ms(typingCpu)}`]);
rows.push(['  of which block re-read, p50 / p95', `${ms(percentile(blockPart, 50))} / ${ms(percentile(blockPart, 95))}`]);

// A new stance arriving (cached signature) and a rule switch.
const arrivals: number[] = [];
for (let k = 0; k < 200; k += 1) {
  const block = blocks.blocks[Math.floor(random() * blocks.blocks.length)]!;
  const memberId = `m${Math.floor(random() * MEMBERS)}`;
  const e: Endorsement = { blockId: block.id, memberId, stance: 'accept', textHash: block.textHash, text: block.text, note: '', at: '2026-11-28T11:00:00.000Z', signature: `f${k.toString(16).padStart(127, '0')}` };
  verifier.remember(e, roster.get(memberId)?.publicKey ?? '', true);
  stored.set(endorsementKey(block.id, memberId), e);
  arrivals.push(time(() => engine.updateStances([endorsementKey(block.id, memberId)]))[1]);
}
rows.push(['one stance set by a peer, p50 / p95', `${ms(percentile(arrivals, 50))} / ${ms(percentile(arrivals, 95))}`]);

for (const rule of [...CONSENSUS_RULES.slice(1), CONSENSUS_RULES[0]!]) {
  const [, wall, cpuMs] = time(() => engine.setRule(rule.id));
  rows.push([`rule switch → ${rule.id}`, both(wall, cpuMs)]);
}
const [, rosterWall, rosterCpu] = time(() => engine.setRoster(new Map(roster)));
rows.push(['roster change (full recount, signatures cached)', both(rosterWall, rosterCpu)]);

// The same stances read from a Y.Doc's endorsements map, as main and the renderer do.
const ydoc = createReportDoc();
const [, fillMs, fillCpu] = time(() => ydoc.transact(() => {
  const map = endorsementsOf(ydoc);
  for (const [key, value] of stored) map.set(key, value);
}));
rows.push(['fill a Y.Map with all stances (one transaction)', both(fillMs, fillCpu)]);
const [fromDoc, fromDocMs, fromDocCpu] = time(() => new ConsensusEngine({ blocks, roster, stances: yMapStanceSource(endorsementsOf(ydoc)), verifier }));
rows.push(['initial full computation from the Y.Map', both(fromDocMs, fromDocCpu)]);
rows.push(['  same readiness as the plain engine', String(fromDoc.readiness().recognized === engine.readiness().recognized)]);

const width = Math.max(...rows.map(([label]) => label.length));
const load = (await import('node:os')).loadavg()[0]?.toFixed(1);
console.log(`Consensus engine, Node ${process.version}, load average ${load} on ${(await import('node:os')).availableParallelism()} cores\n`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
