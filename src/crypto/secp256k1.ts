/**
 * secp256k1 for transactions and the ecrecover precompile.
 *
 * Recovery uses the `secp256k1` package's prebuilt libsecp256k1 binding
 * (≈65 µs a recovery here against ≈2 ms for @noble/curves, see
 * shared/guide/measured.md); it loads without install scripts. If the native
 * binding is missing, the package falls back to its pure-JS implementation,
 * which is correct but slower; `nativeSecp256k1` says which one runs.
 */
import { createRequire } from 'node:module';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import { bigIntToBytes, bytesToBigInt } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/keccak.js';

const require = createRequire(import.meta.url);

interface NativeSecp {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}

let impl: NativeSecp;
let native = false;
try {
  impl = require('secp256k1/bindings') as NativeSecp;
  native = true;
} catch {
  impl = require('secp256k1/elliptic') as NativeSecp;
}
export const nativeSecp256k1 = native;

/** The curve order n. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;

/**
 * Recovers the 64-byte uncompressed public key (without the 0x04 prefix) that
 * signed `msgHash`, or null if the signature is invalid. `recovery` is 0 or 1.
 * r and s must be in [1, n-1]; callers enforce EIP-2's low-s where it applies.
 */
export function recoverPublicKey(msgHash: Uint8Array, recovery: number, r: bigint, s: bigint): Uint8Array | null {
  if (recovery !== 0 && recovery !== 1) return null;
  if (r <= 0n || r >= SECP256K1_N || s <= 0n || s >= SECP256K1_N) return null;
  const sig = new Uint8Array(64);
  sig.set(bigIntToBytes(r, 32), 0);
  sig.set(bigIntToBytes(s, 32), 32);
  try {
    const pub = impl.ecdsaRecover(sig, recovery, msgHash, false);
    return pub.subarray(1);
  } catch {
    return null;
  }
}

/** The address of a 64-byte public key: the low 20 bytes of its keccak256. */
export function publicKeyToAddress(publicKey: Uint8Array): bigint {
  return bytesToBigInt(keccak256(publicKey), 12, 32);
}

/** Recovers the signer's address, or null if the signature is invalid. */
export function recoverAddress(msgHash: Uint8Array, recovery: number, r: bigint, s: bigint): bigint | null {
  const pub = recoverPublicKey(msgHash, recovery, r, s);
  return pub === null ? null : publicKeyToAddress(pub);
}

/** Signs a 32-byte hash (RFC 6979 deterministic nonce, low s). */
export function sign(msgHash: Uint8Array, privateKey: Uint8Array): { r: bigint; s: bigint; recovery: number } {
  const { signature, recid } = impl.ecdsaSign(msgHash, privateKey);
  return { r: bytesToBigInt(signature, 0, 32), s: bytesToBigInt(signature, 32, 64), recovery: recid };
}

/** The address that belongs to a private key. */
export function privateKeyToAddress(privateKey: Uint8Array): bigint {
  const pub = noble.getPublicKey(privateKey, false);
  return publicKeyToAddress(pub.subarray(1));
}
