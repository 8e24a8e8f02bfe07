/**
 * The user's member identity: an Ed25519 key pair created on first run and kept in the
 * data directory as `identity.json` (file mode 0600, directory 0700). The private key
 * never leaves this module: callers get the public key and signatures, nothing else;
 * the renderer asks main to sign (shared/api.ts), it never holds the key.
 *
 * Storage is a plain JSON file for now. Encrypting it with the OS keychain (Electron's
 * `safeStorage`) is the desktop shell's job in main/electron, which can wrap `load`'s
 * file reading and `create`'s writing; this module stays free of Electron so servers and
 * tests run it as is.
 *
 * A damaged or mismatched file is refused with a clear message and left untouched:
 * silently making a new key would orphan every stance the member has signed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, publicKeyOf, signBytes } from '../../shared/signing.ts';
import { signEndorsementWith, type Endorsement, type EndorsementFields } from '../../shared/endorsement.ts';

export const IDENTITY_FILE = 'identity.json';

interface IdentityFile {
  version: 1;
  publicKey: string;
  privateKey: string;
  /** ISO time the key pair was made. */
  created: string;
}

export class IdentityError extends Error {
  override name = 'IdentityError';
}

const HEX_KEY = /^[0-9a-f]{64}$/;

function parseIdentity(text: string, path: string): IdentityFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new IdentityError(`The identity file ${path} is damaged (not JSON). Restore it from a backup; it was left as it is.`);
  }
  const record = (value ?? {}) as Partial<IdentityFile>;
  if (record.version !== 1 || typeof record.privateKey !== 'string' || !HEX_KEY.test(record.privateKey)
    || typeof record.publicKey !== 'string' || !HEX_KEY.test(record.publicKey)) {
    throw new IdentityError(`The identity file ${path} is not a Plenary identity (version 1 with an Ed25519 key pair). It was left as it is.`);
  }
  if (publicKeyOf(record.privateKey) !== record.publicKey) {
    throw new IdentityError(`The identity file ${path} holds a public key that does not belong to its private key. It was left as it is.`);
  }
  return { version: 1, publicKey: record.publicKey, privateKey: record.privateKey, created: String(record.created ?? '') };
}

export class Identity {
  readonly #privateKey: string;
  readonly #publicKey: string;
  /** ISO time the key pair was made. */
  readonly created: string;
  /** Where the key is kept. */
  readonly path: string;

  private constructor(file: IdentityFile, path: string) {
    this.#privateKey = file.privateKey;
    this.#publicKey = file.publicKey;
    this.created = file.created;
    this.path = path;
  }

  /** Loads the identity from `dataDir`, creating the key pair on first run. */
  static open(dataDir: string): Identity {
    const path = join(dataDir, IDENTITY_FILE);
    if (existsSync(path)) {
      // Tighten permissions a copy or an archive tool may have loosened.
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      return new Identity(parseIdentity(readFileSync(path, 'utf8'), path), path);
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const keys = generateKeyPair();
    const file: IdentityFile = { version: 1, ...keys, created: new Date().toISOString() };
    // Written whole, then renamed: a crash never leaves half a key behind.
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
    return new Identity(file, path);
  }

  /** The member's public key (hex), as entered in the roster. */
  publicKey(): string {
    return this.#publicKey;
  }

  /** Ed25519 signature (hex) over the bytes. */
  sign(message: Uint8Array): string {
    return signBytes(message, this.#privateKey);
  }

  /** Signs a stance's fields for a report (canonical encoding, shared/canonical.ts). */
  signEndorsement(reportId: string, fields: EndorsementFields): Endorsement {
    return signEndorsementWith(reportId, fields, (message) => this.sign(message));
  }

  /** Never print the private key, even by accident. */
  toJSON(): { publicKey: string; created: string } {
    return { publicKey: this.#publicKey, created: this.created };
  }
}
