/**
 * 0x08 pairing check on alt_bn128 (Byzantium, EIP-197): k pairs of a G1
 * point (64 bytes) and a G2 point (128 bytes); returns the 32-byte word 1
 * if the product of their pairings is one, else 0. An input length that is
 * not a multiple of 192, or any invalid point (including a G2 point outside
 * the order-n subgroup), fails the call. Empty input returns 1.
 * Gas 100000 + 80000·k, 45000 + 34000·k from Istanbul (EIP-1108).
 */
import { type Bn254G1Point, type Bn254G2Point, decodeG1, decodeG2, pairingCheck } from '../../crypto/bn254.js';
import { Fork } from '../../primitives/fork.js';
import { wordOne } from './common.js';
import type { Precompile } from './index.js';

const PAIR_LENGTH = 192;

export const bn254Pairing: Precompile = {
  gas: (input, fork) => {
    const k = BigInt(Math.floor(input.length / PAIR_LENGTH));
    return fork >= Fork.Istanbul ? 45000n + 34000n * k : 100000n + 80000n * k;
  },
  run: (input) => {
    if (input.length % PAIR_LENGTH !== 0) return null;
    const pairs: { g1: Bn254G1Point; g2: Bn254G2Point }[] = [];
    for (let off = 0; off < input.length; off += PAIR_LENGTH) {
      const g1 = decodeG1(input, off);
      if (g1 === null) return null;
      const g2 = decodeG2(input, off + 64);
      if (g2 === null) return null;
      pairs.push({ g1, g2 });
    }
    return pairingCheck(pairs) ? wordOne() : new Uint8Array(32);
  },
};
