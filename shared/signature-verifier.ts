/**
 * Checks stance signatures for one report, each signature once.
 *
 * Signature checks cost ~1–4 ms each with @noble/curves (pure JavaScript), ~0.2 ms with
 * a native implementation, so the outcome is cached by signature (with the record and
 * key it was checked for: an altered copy of a signed record is checked on its own).
 *
 * Two ways to check:
 * - synchronous (`verify` option; @noble/curves by default; main passes node:crypto,
 *   main/services/native-ed25519.ts): the outcome is known at once;
 * - asynchronous (`verifyAsync` option; the renderer passes WebCrypto through
 *   `subtleVerifyBytes`, ~50× faster than JavaScript and off the typing path): `check`
 *   answers undefined ("being checked") for a signature it has not seen, checks it in
 *   the background (at most `concurrency` at a time) and tells `onSettled` listeners
 *   which signatures got an outcome, in batches. The consensus engine listens and
 *   re-classifies those stances; until then they count for nothing.
 *
 * "In the background" needs `nextTask`: Chromium's WebCrypto checks on the calling
 * thread and settles its promise at once, so checks chained in microtasks all ran in
 * the event that brought the stances — 2,000 of them merged at once added 300 ms to
 * the page's longest task. With `nextTask` each check starts in a task of its own.
 */
import { endorsementMessage, type Endorsement } from './endorsement.ts';
import { verifyBytes } from './signing.ts';
import { textHash } from './text-hash.ts';

/** Checks an Ed25519 signature (hex) over a message against a public key (hex); never throws. */
export type VerifyBytes = (message: Uint8Array, signature: string, publicKey: string) => boolean;
export type VerifyBytesAsync = (message: Uint8Array, signature: string, publicKey: string) => Promise<boolean>;

export interface VerifierOptions {
  verify?: VerifyBytes;
  /** When given, signatures are checked in the background with it (see above). */
  verifyAsync?: VerifyBytesAsync;
  /** Background checks in flight at once (default 64). */
  concurrency?: number;
  /** Settled signatures reported together (default 256; fewer when the queue empties). */
  batch?: number;
  /** Resolves in a later task; each background check waits for it (default: none). */
  nextTask?: () => Promise<void>;
}

interface CacheEntry {
  endorsement: Endorsement;
  publicKey: string;
  ok: boolean;
}

/** Outcomes kept per signature: the genuine record and a few altered copies of it. */
const VARIANTS_PER_SIGNATURE = 4;

function sameFields(a: Endorsement, b: Endorsement): boolean {
  return a.blockId === b.blockId && a.memberId === b.memberId && a.stance === b.stance && a.textHash === b.textHash
    && a.at === b.at && a.note === b.note && a.text === b.text;
}

export class SignatureVerifier {
  readonly reportId: string;
  /** Signature checks actually performed (the rest came from the cache). */
  checks = 0;
  private readonly cache = new Map<string, CacheEntry[]>();
  private readonly verifySync: VerifyBytes;
  private readonly verifyAsync: VerifyBytesAsync | undefined;
  private readonly concurrency: number;
  private readonly batch: number;
  private readonly nextTask: () => Promise<void>;
  private readonly queue: { endorsement: Endorsement; publicKey: string }[] = [];
  /** `signature publicKey` of checks queued or in flight. */
  private readonly pending = new Set<string>();
  private inFlight = 0;
  private settled = new Set<string>();
  private readonly listeners = new Set<(signatures: ReadonlySet<string>) => void>();

  constructor(reportId: string, options: VerifyBytes | VerifierOptions = {}) {
    const opts = typeof options === 'function' ? { verify: options } : options;
    this.reportId = reportId;
    this.verifySync = opts.verify ?? verifyBytes;
    this.verifyAsync = opts.verifyAsync;
    this.concurrency = Math.max(1, opts.concurrency ?? 64);
    this.batch = Math.max(1, opts.batch ?? 256);
    this.nextTask = opts.nextTask ?? (() => Promise.resolve());
  }

  private cached(endorsement: Endorsement, publicKey: string): boolean | undefined {
    const entries = this.cache.get(endorsement.signature);
    if (!entries) return undefined;
    for (const entry of entries) {
      if (entry.publicKey === publicKey && (entry.endorsement === endorsement || sameFields(entry.endorsement, endorsement))) return entry.ok;
    }
    return undefined;
  }

  /**
   * True when the signature verifies against the key and the text matches its hash;
   * undefined while a background check is under way (asynchronous mode only).
   */
  check(endorsement: Endorsement, publicKey: string): boolean | undefined {
    const known = this.cached(endorsement, publicKey);
    if (known !== undefined) return known;
    if (!this.verifyAsync) {
      if (!this.textMatches(endorsement, publicKey)) return false;
      this.checks += 1;
      const ok = this.verifySync(endorsementMessage(this.reportId, endorsement), endorsement.signature, publicKey);
      this.remember(endorsement, publicKey, ok);
      return ok;
    }
    const id = `${endorsement.signature} ${publicKey}`;
    if (!this.pending.has(id)) {
      this.pending.add(id);
      this.queue.push({ endorsement, publicKey });
      this.pump();
    }
    return undefined;
  }

  /** False (and remembered) when the record's text does not match the hash it signs. */
  private textMatches(endorsement: Endorsement, publicKey: string): boolean {
    if (textHash(endorsement.text) === endorsement.textHash) return true;
    this.remember(endorsement, publicKey, false);
    return false;
  }

  /** As `check`, with "being checked" read as not (yet) verified. */
  verify(endorsement: Endorsement, publicKey: string): boolean {
    return this.check(endorsement, publicKey) === true;
  }

  /** Records an outcome known from elsewhere (a stance this process just signed). */
  remember(endorsement: Endorsement, publicKey: string, ok: boolean): void {
    const entries = this.cache.get(endorsement.signature) ?? [];
    entries.push({ endorsement, publicKey, ok });
    // A peer replaying one signature with ever new fields must not grow the cache.
    if (entries.length > VARIANTS_PER_SIGNATURE) entries.shift();
    this.cache.set(endorsement.signature, entries);
  }

  /** Called with the signatures whose background check finished; returns the unsubscribe. */
  onSettled(listener: (signatures: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Checks queued or in flight. */
  get backlog(): number {
    return this.pending.size;
  }

  /** Signatures with a cached outcome. */
  get size(): number {
    return this.cache.size;
  }

  private pump(): void {
    const verifyAsync = this.verifyAsync;
    if (!verifyAsync) return;
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const { endorsement, publicKey } = this.queue.shift() as { endorsement: Endorsement; publicKey: string };
      this.inFlight += 1;
      this.checks += 1;
      const done = (ok: boolean): void => {
        this.inFlight -= 1;
        this.pending.delete(`${endorsement.signature} ${publicKey}`);
        this.remember(endorsement, publicKey, ok);
        this.settled.add(endorsement.signature);
        if (this.settled.size >= this.batch || this.pending.size === 0) this.notify();
        this.pump();
      };
      // The text's hash is checked in its turn too (thousands of stances merged at once
      // would otherwise all be hashed in the event that brought them), and never within
      // `check`: outcomes always arrive later, through `onSettled`.
      this.nextTask()
        .then(() => this.textMatches(endorsement, publicKey) && verifyAsync(endorsementMessage(this.reportId, endorsement), endorsement.signature, publicKey))
        .then(done, () => done(false));
    }
  }

  private notify(): void {
    const signatures = this.settled;
    this.settled = new Set();
    for (const listener of this.listeners) listener(signatures);
  }
}

/** The part of WebCrypto's SubtleCrypto that `subtleVerifyBytes` uses. */
export interface SubtleLike {
  importKey(format: 'raw', keyData: Uint8Array, algorithm: { name: 'Ed25519' }, extractable: boolean, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Background verification with WebCrypto's Ed25519 (Chromium, Node): pass
 * `crypto.subtle` from code that has it (the renderer), e.g.
 * `new SignatureVerifier(id, { verifyAsync: subtleVerifyBytes(crypto.subtle as unknown as SubtleLike) })`.
 */
export function subtleVerifyBytes(subtle: SubtleLike): VerifyBytesAsync {
  const keys = new Map<string, Promise<unknown>>();
  return async (message, signature, publicKey) => {
    if (!/^[0-9a-f]{128}$/.test(signature) || !/^[0-9a-f]{64}$/.test(publicKey)) return false;
    let key = keys.get(publicKey);
    if (!key) keys.set(publicKey, (key = subtle.importKey('raw', hexBytes(publicKey), { name: 'Ed25519' }, false, ['verify'])));
    try {
      return await subtle.verify({ name: 'Ed25519' }, await key, hexBytes(signature), message);
    } catch {
      return false;
    }
  };
}

/** RFC 8032's first Ed25519 test vector: the empty message signed with this key. */
const PROBE = {
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

/**
 * Background verification for a page: WebCrypto's Ed25519 where the browser has it
 * (Chromium 137 and later), found out once by checking RFC 8032's first test vector;
 * otherwise `fallback` (@noble/curves). Give the verifier a `nextTask` too, so that a
 * backlog — 2,000 stances merged at once — is checked one stance per task.
 */
export function backgroundVerifyBytes(subtle: SubtleLike | undefined, fallback: VerifyBytes = verifyBytes): VerifyBytesAsync {
  const viaSubtle = subtle ? subtleVerifyBytes(subtle) : null;
  const supported = viaSubtle ? viaSubtle(new Uint8Array(0), PROBE.signature, PROBE.publicKey).catch(() => false) : Promise.resolve(false);
  return async (message, signature, publicKey) => {
    if (viaSubtle && (await supported)) return viaSubtle(message, signature, publicKey);
    return fallback(message, signature, publicKey);
  };
}
