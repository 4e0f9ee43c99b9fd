/**
 * 0x0c BLS12_G1MSM (Prague, EIP-2537): Σ scalar_i·P_i over k >= 1 pairs of
 * a G1 point (128 bytes, in the subgroup) and a 32-byte scalar. Gas:
 * k · 12000 · discount(k) / 1000.
 */
import { encodeG1, g1Msm } from '../../crypto/bls12-381.js';
import { G1_MSM_DISCOUNT, decodeG1Pairs, msmGas } from './bls12-381-common.js';
import type { Precompile } from './index.js';

export const blsG1Msm: Precompile = {
  gas: (input) => msmGas(Math.floor(input.length / 160), 12000n, G1_MSM_DISCOUNT),
  run: (input) => {
    const pairs = decodeG1Pairs(input);
    return pairs === null ? null : encodeG1(g1Msm(pairs.points, pairs.scalars));
  },
};
