/**
 * 0x07 ECMUL on alt_bn128 (Byzantium, EIP-196): a G1 point (64 bytes) times
 * a 256-bit scalar (32 bytes), input right-padded or truncated to 96 bytes.
 * Gas 40000, 6000 from Istanbul (EIP-1108).
 */
import { decodeG1, encodeG1, g1Mul } from '../../crypto/bn254.js';
import { bytesToBigInt } from '../../primitives/bytes.js';
import { Fork } from '../../primitives/fork.js';
import { rightPad } from './common.js';
import type { Precompile } from './index.js';

export const bn254Mul: Precompile = {
  gas: (_input, fork) => (fork >= Fork.Istanbul ? 6000n : 40000n),
  run: (input) => {
    const data = rightPad(input, 96);
    const point = decodeG1(data, 0);
    if (point === null) return null;
    return encodeG1(g1Mul(point, bytesToBigInt(data, 64, 96)));
  },
};
