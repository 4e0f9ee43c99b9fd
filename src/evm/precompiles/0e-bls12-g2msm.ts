/**
 * 0x0e BLS12_G2MSM (Prague, EIP-2537): Σ scalar_i·Q_i over k >= 1 pairs of
 * a G2 point (256 bytes, in the subgroup) and a 32-byte scalar. Gas:
 * k · 22500 · discount(k) / 1000.
 */
import { encodeG2, g2Msm } from '../../crypto/bls12-381.js';
import { G2_MSM_DISCOUNT, decodeG2Pairs, msmGas } from './bls12-381-common.js';
import type { Precompile } from './index.js';

export const blsG2Msm: Precompile = {
  gas: (input) => msmGas(Math.floor(input.length / 288), 22500n, G2_MSM_DISCOUNT),
  run: (input) => {
    const pairs = decodeG2Pairs(input);
    return pairs === null ? null : encodeG2(g2Msm(pairs.points, pairs.scalars));
  },
};
