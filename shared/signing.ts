/**
 * Ed25519 with @noble/curves (audited, pure JavaScript: shared/ has neither node:crypto
 * nor WebCrypto). Keys and signatures travel as lower-case hex: 32-byte keys (64 hex
 * characters), 64-byte signatures (128). Public keys may also be given in base64 and
 * are stored as hex.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const bytes: number[] = [];
  let bits = 0;
  let buffer = 0;
  for (const char of clean) {
    const value = BASE64_ALPHABET.indexOf(char);
    if (value < 0) throw new Error('not base64');
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/** A public key as stored (lower-case hex), or null when the input is not a valid Ed25519 key. */
export function normalizePublicKey(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  let bytes: Uint8Array;
  if (HEX_KEY.test(input)) bytes = hexToBytes(input.toLowerCase());
  else if (BASE64_KEY.test(input) || BASE64URL_KEY.test(input)) bytes = base64ToBytes(input);
  else return null;
  if (bytes.length !== 32) return null;
  try {
    ed25519.Point.fromBytes(bytes);
  } catch {
    return null;
  }
  return bytesToHex(bytes);
}

export function isSignatureHex(value: unknown): value is string {
  return typeof value === 'string' && HEX_SIGNATURE.test(value);
}

export function generateKeyPair(): KeyPair {
  const secret = ed25519.utils.randomSecretKey();
  return { privateKey: bytesToHex(secret), publicKey: bytesToHex(ed25519.getPublicKey(secret)) };
}

export function publicKeyOf(privateKey: string): string {
  return bytesToHex(ed25519.getPublicKey(hexToBytes(privateKey)));
}

export function signBytes(message: Uint8Array, privateKey: string): string {
  return bytesToHex(ed25519.sign(message, hexToBytes(privateKey)));
}

/** True only for a well-formed signature that verifies; never throws. */
export function verifyBytes(message: Uint8Array, signature: string, publicKey: string): boolean {
  if (!isSignatureHex(signature) || !HEX_KEY.test(publicKey)) return false;
  try {
    return ed25519.verify(hexToBytes(signature), message, hexToBytes(publicKey));
  } catch {
    return false;
  }
}
