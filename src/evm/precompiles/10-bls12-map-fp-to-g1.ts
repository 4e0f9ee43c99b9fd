/**
 * 0x10 BLS12_MAP_FP_TO_G1 (Prague, EIP-2537): one Fp element (exactly 64
 * bytes) to a G1 point by the RFC 9380 simplified SWU map with cofactor
 * clearing (no hashing). Gas 5500.
 */
import { decodeFp, encodeG1, mapFpToG1 } from '../../crypto/bls12-381.js';
import type { Precompile } from './index.js';

export const blsMapFpToG1: Precompile = {
  gas: () => 5500n,
  run: (input) => {
    if (input.length !== 64) return null;
    const u = decodeFp(input, 0);
    return u === null ? null : encodeG1(mapFpToG1(u));
  },
};
