/** Memory: MLOAD MSTORE MSTORE8 MSIZE MCOPY (EIP-5656), and the copy helpers CALLDATACOPY & co. share. */
import type { Frame } from '../frame.js';
import { COPY_WORD_GAS } from '../gas.js';
import { readWord, writeWord } from '../word.js';

export function mload(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const o = f.expandAt(s[i], 32);
  if (o < 0) return;
  s[i] = readWord(f.memView, o);
}

export function mstore(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const o = f.expandAt(s[i], 32);
  if (o < 0) return;
  writeWord(f.memView, o, s[i - 1]);
  f.sp = i - 1;
}

export function mstore8(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const o = f.expandAt(s[i], 1);
  if (o < 0) return;
  f.memory[o] = Number(s[i - 1] & 0xffn);
  f.sp = i - 1;
}

export function msize(f: Frame): void {
  f.stack[f.sp++] = BigInt(f.memSize);
}

export function mcopy(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const dst = s[i];
  const src = s[i - 1];
  const size = s[i - 2];
  if (size !== 0n) {
    // Memory must cover both the source and the destination range.
    if (!f.expand(src, size) || !f.expand(dst, size)) return;
    const n = Number(size);
    if (!f.useGas(COPY_WORD_GAS * Math.ceil(n / 32))) return;
    const from = Number(src);
    f.memory.copyWithin(Number(dst), from, from + n);
  }
  f.sp = i - 2;
}

/**
 * Charges a copy to memory: the memory expansion for [memOffset, +size) and
 * `perWord` gas per 32-byte word. False (status set) when out of gas.
 */
export function chargeCopy(f: Frame, memOffset: bigint, size: bigint, perWord: number): boolean {
  if (size === 0n) return true;
  if (!f.expand(memOffset, size)) return false;
  return f.useGas(perWord * Math.ceil(Number(size) / 32));
}

/** Copies `size` bytes of `src` from `srcOffset` to memory, zero-filling past the end of `src`. */
export function copyPadded(f: Frame, memOffset: bigint, src: Uint8Array, srcOffset: bigint, size: bigint): void {
  if (size === 0n) return;
  const dst = Number(memOffset);
  const n = Number(size);
  const start = srcOffset >= BigInt(src.length) ? src.length : Number(srcOffset);
  const avail = Math.min(n, src.length - start);
  if (avail > 0) f.memory.set(src.subarray(start, start + avail), dst);
  f.memory.fill(0, dst + Math.max(avail, 0), dst + n);
}
