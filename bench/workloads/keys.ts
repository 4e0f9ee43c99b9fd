/**
 * Deterministic keys and addresses for the workloads. A key is the keccak256
 * of a label naming the seed, a role and an index, so two runs (and two
 * engines) see the same accounts without storing any key.
 *
 * Address derivation goes through the `secp256k1` package's native binding:
 * `privateKeyToAddress` (src/crypto, @noble/curves) takes ≈550 µs a key here,
 * the binding ≈20 µs, and a 1-gigagas block of raw transfers needs ~48,000
 * senders (26 s against 1 s). If the binding is missing, the noble path is used.
 */
import { createRequire } from 'node:module';
import { privateKeyToAddress, publicKeyToAddress } from '../../src/crypto/secp256k1.js';
import { bytesToBigInt } from '../../src/primitives/bytes.js';
import { keccak256 } from '../../src/primitives/keccak.js';

interface NativePublicKey {
  publicKeyCreate(privateKey: Uint8Array, compressed?: boolean): Uint8Array;
}

const require = createRequire(import.meta.url);
let native: NativePublicKey | undefined;
try {
  native = require('secp256k1/bindings') as NativePublicKey;
} catch {
  native = undefined;
}

const encoder = new TextEncoder();

export interface KeyPair {
  privateKey: Uint8Array;
  address: bigint;
}

/** The address of a private key (native binding when available). */
export function addressOf(privateKey: Uint8Array): bigint {
  if (native === undefined) return privateKeyToAddress(privateKey);
  return publicKeyToAddress(native.publicKeyCreate(privateKey, false).subarray(1));
}

/** The i-th private key of `role` under `seed`. keccak256 output is a valid secp256k1 key with probability 1 - 2^-128. */
export function derivePrivateKey(seed: number, role: string, i: number): Uint8Array {
  return keccak256(encoder.encode(`multilane/bench/key/${seed}/${role}/${i}`));
}

/** The i-th key pair of `role` under `seed` (BlockBuilder.key does the same through its cache). */
export function deriveKey(seed: number, role: string, i: number): KeyPair {
  const privateKey = derivePrivateKey(seed, role, i);
  return { privateKey, address: addressOf(privateKey) };
}

/** The i-th keyless address of `role` under `seed` (recipients, contracts). */
export function deriveAddress(seed: number, role: string, i: number): bigint {
  return bytesToBigInt(keccak256(encoder.encode(`multilane/bench/address/${seed}/${role}/${i}`)), 12, 32);
}
