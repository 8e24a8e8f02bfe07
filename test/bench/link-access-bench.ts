// What a members-only server's check costs per connection (`--members-only`,
// main/services/sync/member-access.ts), and what making the token costs the app: after a
// restart every member's app connects again at once, and each connection is checked
// on the server's one thread before it is let in. Measured: making a token (the app's
// Ed25519 signature, @noble/curves), checking one with @noble/curves and with node:crypto
// (what the server uses), and the whole decision against a report with 40 members on its
// roster (token, nonce, roster read), with the nonces in this process's memory and, where
// redis-server is installed, shared through Redis as `--members-only --redis` keeps them
// (one loopback round trip each). Prints a table; never fails.
// Run: `npm run bench -- link-access` (or `node test/bench/link-access-bench.ts`).
import * as Y from 'yjs';
import { performance } from 'node:perf_hooks';
import { checkLinkToken, makeLinkToken } from '../../shared/link-token.ts';
import { generateKeyPair, signBytes, verifyBytes, type KeyPair } from '../../shared/signing.ts';
import { addMember } from '../../shared/roster.ts';
import { nativeVerifyBytes } from '../../main/services/native-ed25519.ts';
import { membersOnly } from '../../main/services/sync/member-access.ts';
import { takenThroughRedis } from '../../main/services/sync/taken-nonces.ts';
import type { AdmittedLink } from '../../main/services/sync/server.ts';
import { hasRedis, startRedis } from '../integration/fixtures/sync/harness.ts';

const REPORT = 'wgig-report';
const MEMBERS = 40;
const ROUNDS = 400;

const keys: KeyPair[] = Array.from({ length: MEMBERS }, () => generateKeyPair());
const roster = new Y.Doc();
keys.forEach((pair, i) => addMember(roster, {
  name: `Member ${i}`, role: i === 0 ? 'chair' : 'member', publicKey: pair.publicKey,
  group: 'government', region: 'african', development: 'developing', gender: 'woman',
}));

const tokenOf = (pair: KeyPair): string => makeLinkToken(REPORT, { publicKey: pair.publicKey, member: '', sign: (message) => signBytes(message, pair.privateKey) });

/** Mean milliseconds per call of `run(i)` over `rounds` calls, after a warm-up. */
async function perCall(rounds: number, run: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await run(i);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await run(i);
  return (performance.now() - start) / rounds;
}

const made = await perCall(ROUNDS, (i) => tokenOf(keys[i % MEMBERS]!));
const tokens = Array.from({ length: ROUNDS + 20 }, (_, i) => tokenOf(keys[i % MEMBERS]!));
const now = Date.now();
const noble = await perCall(ROUNDS, (i) => checkLinkToken(tokens[i], REPORT, now, { verify: verifyBytes }));
const native = await perCall(ROUNDS, (i) => checkLinkToken(tokens[i], REPORT, now, { verify: nativeVerifyBytes }));
/** Each decision also puts its member under watch, and takes them off as the link ends: here, at once. */
const ENDED_LINK: AdmittedLink = { decideAgain: () => {}, onEnded: (listener) => listener() };
const authorize = membersOnly({ log: () => {} });
const fresh = Array.from({ length: ROUNDS + 20 }, (_, i) => tokenOf(keys[i % MEMBERS]!));
const decision = await perCall(ROUNDS, (i) => authorize({ token: fresh[i]!, reportId: REPORT, headers: new Headers(), remote: '127.0.0.1', report: async () => roster, link: ENDED_LINK }));
let throughRedis: number | null = null;
if (hasRedis) {
  const redis = await startRedis();
  const nonces = await takenThroughRedis(redis.url, (reason) => console.error(`Redis did not answer: ${reason}`));
  const shared = membersOnly({ log: () => {}, nonces });
  const others = Array.from({ length: ROUNDS + 20 }, (_, i) => tokenOf(keys[i % MEMBERS]!));
  throughRedis = await perCall(ROUNDS, (i) => shared({ token: others[i]!, reportId: REPORT, headers: new Headers(), remote: '127.0.0.1', report: async () => roster, link: ENDED_LINK }));
  await nonces.close();
  await redis.stop();
}

const row = (what: string, ms: number): string => `| ${what} | ${ms.toFixed(3)} ms | ${(ms * 1_000).toFixed(0)} ms |`;
console.log(`Members-only access, ${ROUNDS} tokens from ${MEMBERS} members, Node ${process.version}\n`);
console.log('| per connection | mean | for 1,000 connections |');
console.log('| --- | --- | --- |');
console.log(row('app: make a token (sign, @noble/curves)', made));
console.log(row('server: check a token, @noble/curves', noble));
console.log(row('server: check a token, node:crypto', native));
console.log(row('server: whole decision (node:crypto, nonce, 40-member roster)', decision));
if (throughRedis !== null) console.log(row('server: whole decision, nonces shared through Redis (loopback)', throughRedis));
else console.log('(no redis-server: the decision with nonces shared through Redis not measured)');
