/** 0x04 IDENTITY (Frontier): 15 gas + 3 per word; returns a copy of its input. */
import { wordCount } from './common.js';
import type { Precompile } from './index.js';

export const identity: Precompile = {
  gas: (input) => 15n + 3n * wordCount(input.length),
  // A copy, so the caller may keep the output while the input's memory changes.
  run: (input) => input.slice(),
};
