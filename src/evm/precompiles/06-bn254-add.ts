/**
 * 0x06 ECADD on alt_bn128 (Byzantium, EIP-196): two G1 points (64 bytes
 * each, input right-padded or truncated to 128 bytes) to their sum. An
 * invalid point fails the call. Gas 500, 150 from Istanbul (EIP-1108).
 */
import { decodeG1, encodeG1, g1Add } from '../../crypto/bn254.js';
import { Fork } from '../../primitives/fork.js';
import { rightPad } from './common.js';
import type { Precompile } from './index.js';

export const bn254Add: Precompile = {
  gas: (_input, fork) => (fork >= Fork.Istanbul ? 150n : 500n),
  run: (input) => {
    const data = rightPad(input, 128);
    const a = decodeG1(data, 0);
    const b = decodeG1(data, 64);
    if (a === null || b === null) return null;
    return encodeG1(g1Add(a, b));
  },
};
