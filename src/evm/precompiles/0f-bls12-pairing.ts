/**
 * 0x0f BLS12_PAIRING_CHECK (Prague, EIP-2537): k >= 1 pairs of a G1 point
 * (128 bytes) and a G2 point (256 bytes), both in their subgroups; returns
 * the 32-byte word 1 if the product of the pairings is one, else 0.
 * Gas 32600·k + 37700.
 */
import { type BlsG1Point, type BlsG2Point, decodeG1, decodeG2, pairingCheck } from '../../crypto/bls12-381.js';
import { wordOne } from './common.js';
import type { Precompile } from './index.js';

const PAIR_LENGTH = 384;

export const blsPairing: Precompile = {
  gas: (input) => 32600n * BigInt(Math.floor(input.length / PAIR_LENGTH)) + 37700n,
  run: (input) => {
    if (input.length === 0 || input.length % PAIR_LENGTH !== 0) return null;
    const pairs: { g1: BlsG1Point; g2: BlsG2Point }[] = [];
    for (let off = 0; off < input.length; off += PAIR_LENGTH) {
      const g1 = decodeG1(input, off, true);
      if (g1 === null) return null;
      const g2 = decodeG2(input, off + 128, true);
      if (g2 === null) return null;
      pairs.push({ g1, g2 });
    }
    return pairingCheck(pairs) ? wordOne() : new Uint8Array(32);
  },
};
