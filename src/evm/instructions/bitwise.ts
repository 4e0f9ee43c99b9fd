/** Bitwise: AND OR XOR NOT BYTE SHL SHR SAR (EIP-145) CLZ (EIP-7939). */
import type { Frame } from '../frame.js';
import { MAX_U256, SIGN_BIT } from '../word.js';

export function and(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = s[i] & s[i - 1];
}

export function or(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = s[i] | s[i - 1];
}

export function xor(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = s[i] ^ s[i - 1];
}

export function not(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  s[i] = MAX_U256 ^ s[i];
}

export function byte(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const n = s[i];
  s[i - 1] = n >= 32n ? 0n : (s[i - 1] >> BigInt(248 - Number(n) * 8)) & 0xffn;
}

export function shl(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const shift = s[i];
  s[i - 1] = shift >= 256n ? 0n : BigInt.asUintN(256, s[i - 1] << shift);
}

export function shr(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const shift = s[i];
  s[i - 1] = shift >= 256n ? 0n : s[i - 1] >> shift;
}

export function sar(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const shift = s[i];
  const x = s[i - 1];
  const negative = x >= SIGN_BIT;
  if (shift >= 256n) {
    s[i - 1] = negative ? MAX_U256 : 0n;
  } else if (negative) {
    // Arithmetic shift of the two's complement value.
    s[i - 1] = BigInt.asUintN(256, (x - (1n << 256n)) >> shift);
  } else {
    s[i - 1] = x >> shift;
  }
}

/** Count leading zero bits (EIP-7939, Osaka): 256 for zero. */
export function clz(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  s[i] = BigInt(256 - bitLength(s[i]));
}

export function bitLength(x: bigint): number {
  let n = 0;
  while (x > 0xffffffffn) {
    x >>= 32n;
    n += 32;
  }
  return n + (32 - Math.clz32(Number(x)));
}
