/**
 * 0x09 BLAKE2F (Istanbul, EIP-152): the BLAKE2b compression function F.
 * Input exactly 213 bytes; the final flag must be 0 or 1. Gas: 1 per round.
 */
import { blake2f as compress, blake2fRounds } from '../../crypto/blake2f.js';
import type { Precompile } from './index.js';

export const blake2f: Precompile = {
  gas: (input) => BigInt(blake2fRounds(input)),
  run: (input) => compress(input),
};
