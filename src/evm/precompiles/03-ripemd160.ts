/** 0x03 RIPEMD160 (Frontier): 600 gas + 120 per word; the 20-byte hash left-padded to 32. */
import { ripemd160 as hash } from '@noble/hashes/legacy.js';
import { wordCount } from './common.js';
import type { Precompile } from './index.js';

export const ripemd160: Precompile = {
  gas: (input) => 600n + 120n * wordCount(input.length),
  run: (input) => {
    // @noble/hashes: OpenSSL 3 only offers RIPEMD-160 through its legacy provider.
    const out = new Uint8Array(32);
    out.set(hash(input), 12);
    return out;
  },
};
