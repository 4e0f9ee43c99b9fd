/**
 * Arithmetic: ADD MUL SUB DIV SDIV MOD SMOD ADDMOD MULMOD EXP SIGNEXTEND.
 * Operands are bigints in [0, 2^256); the stack was checked by the caller:
 * the top is stack[sp - 1].
 */
import type { Frame } from '../frame.js';
import { MAX_U256, TWO_256, fromSigned, toSigned } from '../word.js';

export function add(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const r = s[i] + s[i - 1];
  // A compare and a subtraction beat `& MAX_U256` on the common no-overflow path.
  s[i - 1] = r > MAX_U256 ? r - TWO_256 : r;
}

export function mul(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  s[i - 1] = BigInt.asUintN(256, s[i] * s[i - 1]);
}

export function sub(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const r = s[i] - s[i - 1];
  s[i - 1] = r < 0n ? r + TWO_256 : r;
}

export function div(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const d = s[i - 1];
  s[i - 1] = d === 0n ? 0n : s[i] / d;
}

export function sdiv(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const d = s[i - 1];
  if (d === 0n) return void (s[i - 1] = 0n);
  // BigInt division truncates toward zero, as SDIV does; -2^255 / -1 wraps to -2^255.
  s[i - 1] = BigInt.asUintN(256, toSigned(s[i]) / toSigned(d));
}

export function mod(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const d = s[i - 1];
  s[i - 1] = d === 0n ? 0n : s[i] % d;
}

export function smod(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const d = s[i - 1];
  // The result takes the dividend's sign, as BigInt's % does.
  s[i - 1] = d === 0n ? 0n : fromSigned(toSigned(s[i]) % toSigned(d));
}

export function addmod(f: Frame): void {
  const s = f.stack;
  const i = (f.sp -= 2);
  const n = s[i - 1];
  s[i - 1] = n === 0n ? 0n : (s[i + 1] + s[i]) % n;
}

export function mulmod(f: Frame): void {
  const s = f.stack;
  const i = (f.sp -= 2);
  const n = s[i - 1];
  s[i - 1] = n === 0n ? 0n : (s[i + 1] * s[i]) % n;
}

/** Bytes in the exponent: EXP charges per byte (EIP-160). */
function byteLength(x: bigint): number {
  let n = 0;
  while (x > 0xffffffffn) {
    x >>= 32n;
    n += 4;
  }
  let v = Number(x);
  while (v > 0) {
    v = Math.floor(v / 256);
    n++;
  }
  return n;
}

export function exp(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const base = s[i];
  const e = s[i - 1];
  if (e !== 0n && !f.useGas(f.ctx.rules.expByte * byteLength(e))) return;
  f.sp = i;
  s[i - 1] = powMod256(base, e);
}

function powMod256(base: bigint, e: bigint): bigint {
  if (e === 0n) return 1n;
  if (base === 0n || base === 1n) return base;
  if (base === 2n) return e < 256n ? 1n << e : 0n;
  let result = 1n;
  let b = base;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asUintN(256, result * b);
    e >>= 1n;
    if (e > 0n) b = BigInt.asUintN(256, b * b);
  }
  return result;
}

export function signextend(f: Frame): void {
  const s = f.stack;
  const i = --f.sp;
  const k = s[i];
  const x = s[i - 1];
  if (k >= 31n) return; // nothing to extend: x stays
  const bit = Number(k) * 8 + 7;
  const mask = (1n << BigInt(bit + 1)) - 1n;
  s[i - 1] = (x >> BigInt(bit)) & 1n ? x | (MAX_U256 ^ mask) : x & mask;
}

