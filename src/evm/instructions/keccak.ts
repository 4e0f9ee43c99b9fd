/** KECCAK256: 30 gas plus 6 per word, plus memory expansion. */
import { keccak256, keccak256Word } from '../../primitives/keccak.js';
import type { Frame } from '../frame.js';
import { KECCAK_WORD_GAS } from '../gas.js';
import { readWord, viewOf } from '../word.js';
import { chargeCopy } from './memory.js';

const EMPTY_HASH_WORD = readWord(viewOf(keccak256(new Uint8Array(0))), 0);

export function keccak(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const offset = s[i];
  const size = s[i - 1];
  if (size === 0n) return void (s[i - 1] = EMPTY_HASH_WORD);
  if (!chargeCopy(f, offset, size, KECCAK_WORD_GAS)) return;
  // Hashed straight from memory to a word: no subarray, no digest array.
  s[i - 1] = keccak256Word(f.memory, Number(offset), Number(size));
}
