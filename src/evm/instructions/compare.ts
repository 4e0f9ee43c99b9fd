/** Comparison: LT GT SLT SGT EQ ISZERO. */
import type { Frame } from '../frame.js';
import { SIGN_BIT } from '../word.js';

export function lt(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = s[i] < s[i - 1] ? 1n : 0n;
}

export function gt(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = s[i] > s[i - 1] ? 1n : 0n;
}

/** a < b as signed words: operands of different signs compare by sign alone. */
function signedLess(a: bigint, b: bigint): boolean {
  const aNeg = a >= SIGN_BIT;
  return aNeg === b >= SIGN_BIT ? a < b : aNeg;
}

export function slt(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = signedLess(s[i], s[i - 1]) ? 1n : 0n;
}

export function sgt(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = signedLess(s[i - 1], s[i]) ? 1n : 0n;
}

export function eq(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = s[i] === s[i - 1] ? 1n : 0n;
}

export function iszero(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  s[i] = s[i] === 0n ? 1n : 0n;
}
