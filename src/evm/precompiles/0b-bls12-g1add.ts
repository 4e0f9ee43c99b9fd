/**
 * 0x0b BLS12_G1ADD (Prague, EIP-2537): two G1 points (128 bytes each,
 * exactly 256 bytes) to their sum. The points must be on the curve; no
 * subgroup check. Gas 375.
 */
import { decodeG1, encodeG1 } from '../../crypto/bls12-381.js';
import type { Precompile } from './index.js';

export const blsG1Add: Precompile = {
  gas: () => 375n,
  run: (input) => {
    if (input.length !== 256) return null;
    const a = decodeG1(input, 0, false);
    const b = decodeG1(input, 128, false);
    if (a === null || b === null) return null;
    return encodeG1(a.add(b));
  },
};
