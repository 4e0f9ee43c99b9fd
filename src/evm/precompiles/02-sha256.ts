/** 0x02 SHA256 (Frontier): 60 gas + 12 per word. */
import { createHash } from 'node:crypto';
import { wordCount } from './common.js';
import type { Precompile } from './index.js';

export const sha256: Precompile = {
  gas: (input) => 60n + 12n * wordCount(input.length),
  // node:crypto (OpenSSL) over @noble/hashes: inputs can be megabytes of memory.
  run: (input) => new Uint8Array(createHash('sha256').update(input).digest()),
};
