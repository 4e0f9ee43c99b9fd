/**
 * 0x11 BLS12_MAP_FP2_TO_G2 (Prague, EIP-2537): one Fp2 element c0 || c1
 * (exactly 128 bytes) to a G2 point by the RFC 9380 simplified SWU map with
 * cofactor clearing. Gas 23800.
 */
import { decodeFp, encodeG2, mapFp2ToG2 } from '../../crypto/bls12-381.js';
import type { Precompile } from './index.js';

export const blsMapFp2ToG2: Precompile = {
  gas: () => 23800n,
  run: (input) => {
    if (input.length !== 128) return null;
    const c0 = decodeFp(input, 0);
    const c1 = decodeFp(input, 64);
    return c0 === null || c1 === null ? null : encodeG2(mapFp2ToG2(c0, c1));
  },
};
