/**
 * The precompiled contracts, by address and fork.
 *
 * | address | name | from |
 * |---|---|---|
 * | 0x01-0x04 | ECRECOVER, SHA256, RIPEMD160, IDENTITY | Frontier |
 * | 0x05-0x08 | MODEXP (EIP-198), bn254 ADD/MUL/PAIRING (EIP-196/197) | Byzantium |
 * | 0x09 | BLAKE2F (EIP-152) | Istanbul |
 * | 0x0a | point evaluation (EIP-4844) | Cancun |
 * | 0x0b-0x11 | BLS12-381 (EIP-2537) | Prague |
 * | 0x100 | P256VERIFY (EIP-7951) | Osaka |
 *
 * Gas that changes across forks (EIP-1108, EIP-2565, EIP-7883) is decided
 * inside each precompile's `gas` by comparing forks numerically.
 */
import { Fork } from '../../primitives/fork.js';
import { ecrecover } from './01-ecrecover.js';
import { sha256 } from './02-sha256.js';
import { ripemd160 } from './03-ripemd160.js';
import { identity } from './04-identity.js';
import { modexp } from './05-modexp.js';
import { bn254Add } from './06-bn254-add.js';
import { bn254Mul } from './07-bn254-mul.js';
import { bn254Pairing } from './08-bn254-pairing.js';
import { blake2f } from './09-blake2f.js';
import { pointEvaluation } from './0a-point-evaluation.js';
import { blsG1Add } from './0b-bls12-g1add.js';
import { blsG1Msm } from './0c-bls12-g1msm.js';
import { blsG2Add } from './0d-bls12-g2add.js';
import { blsG2Msm } from './0e-bls12-g2msm.js';
import { blsPairing } from './0f-bls12-pairing.js';
import { blsMapFpToG1 } from './10-bls12-map-fp-to-g1.js';
import { blsMapFp2ToG2 } from './11-bls12-map-fp2-to-g2.js';
import { p256verify } from './100-p256verify.js';

export interface Precompile {
  /** Gas the call costs for this input (may be huge; the caller compares with the gas available). */
  gas(input: Uint8Array, fork: Fork): bigint;
  /** The output, or null on failure (the call then fails and consumes all its gas). */
  run(input: Uint8Array, fork: Fork): Uint8Array | null;
}

/** Each precompile with its address and the fork that introduced it. */
const ALL: [address: number, since: Fork, precompile: Precompile][] = [
  [0x01, Fork.Frontier, ecrecover],
  [0x02, Fork.Frontier, sha256],
  [0x03, Fork.Frontier, ripemd160],
  [0x04, Fork.Frontier, identity],
  [0x05, Fork.Byzantium, modexp],
  [0x06, Fork.Byzantium, bn254Add],
  [0x07, Fork.Byzantium, bn254Mul],
  [0x08, Fork.Byzantium, bn254Pairing],
  [0x09, Fork.Istanbul, blake2f],
  [0x0a, Fork.Cancun, pointEvaluation],
  [0x0b, Fork.Prague, blsG1Add],
  [0x0c, Fork.Prague, blsG1Msm],
  [0x0d, Fork.Prague, blsG2Add],
  [0x0e, Fork.Prague, blsG2Msm],
  [0x0f, Fork.Prague, blsPairing],
  [0x10, Fork.Prague, blsMapFpToG1],
  [0x11, Fork.Prague, blsMapFp2ToG2],
  [0x100, Fork.Osaka, p256verify],
];

/** The highest precompile address; anything above is never a precompile (one comparison per CALL). */
const MAX_ADDRESS = 0x100;

/** Per fork, a dense table by address (0..MAX_ADDRESS), built once at load. */
const BY_FORK: (Precompile | undefined)[][] = [];
const ADDRESSES_BY_FORK: bigint[][] = [];
for (let fork = Fork.Frontier; fork <= Fork.BPO5; fork++) {
  const table = new Array<Precompile | undefined>(MAX_ADDRESS + 1).fill(undefined);
  const addresses: bigint[] = [];
  for (const [address, since, precompile] of ALL) {
    if (fork < since) continue;
    table[address] = precompile;
    addresses.push(BigInt(address));
  }
  BY_FORK[fork] = table;
  ADDRESSES_BY_FORK[fork] = addresses;
}

/** The precompile at `address` in `fork`, or undefined. */
export function getPrecompile(address: bigint, fork: Fork): Precompile | undefined {
  if (address > 0x100n || address <= 0n) return undefined;
  return BY_FORK[fork][Number(address)];
}

/**
 * Addresses that are precompiles in this fork (warm from the start of every
 * tx, EIP-2929). The array is shared: callers must not modify it.
 */
export function precompileAddresses(fork: Fork): bigint[] {
  return ADDRESSES_BY_FORK[fork];
}
