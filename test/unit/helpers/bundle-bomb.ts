// A format 2 bundle whose declared inflated size is a lie: what a crafted "zip bomb"
// looks like. Its checksum is right (a forger can compute one), so only the bound on
// inflation stands between it and the importer's memory.
import * as encoding from 'lib0/encoding';
import { deflateSync } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { BUNDLE_MAGIC, type Bundle } from '../../../shared/bundle.ts';

export function encodeBundleDeclaring(bundle: Bundle, declaredSize: number, content: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8Array(encoder, BUNDLE_MAGIC);
  encoding.writeVarUint(encoder, 2);
  for (const field of [bundle.reportId, bundle.reportTitle, bundle.sender, bundle.recipient, bundle.createdAt]) encoding.writeVarString(encoder, field);
  encoding.writeVarUint8Array(encoder, bundle.base);
  encoding.writeVarUint8Array(encoder, bundle.after);
  encoding.writeVarUint(encoder, declaredSize);
  encoding.writeVarUint8Array(encoder, deflateSync(content, { level: 1 }));
  const body = encoding.toUint8Array(encoder);
  const out = new Uint8Array(body.length + 32);
  out.set(body);
  out.set(sha256(body), body.length);
  return out;
}
