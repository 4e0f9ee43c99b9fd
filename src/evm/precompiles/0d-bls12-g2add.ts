/**
 * 0x0d BLS12_G2ADD (Prague, EIP-2537): two G2 points (256 bytes each,
 * exactly 512 bytes) to their sum. The points must be on the curve; no
 * subgroup check. Gas 600.
 */
import { decodeG2, encodeG2 } from '../../crypto/bls12-381.js';
import type { Precompile } from './index.js';

export const blsG2Add: Precompile = {
  gas: () => 600n,
  run: (input) => {
    if (input.length !== 512) return null;
    const a = decodeG2(input, 0, false);
    const b = decodeG2(input, 256, false);
    if (a === null || b === null) return null;
    return encodeG2(a.add(b));
  },
};
