/**
 * 0x05 MODEXP (Byzantium, EIP-198): base^exp mod modulus for arbitrary
 * lengths. Input: base length, exponent length, modulus length (32-byte
 * words), then base, exponent, modulus, all big-endian and right-padded with
 * zeros where the input is short. The output has the modulus length.
 *
 * Gas by fork:
 * - Byzantium (EIP-198): mult_complexity(max(B, M)) · max(adjusted exponent
 *   length, 1) / 20, with the piecewise quadratic complexity.
 * - Berlin (EIP-2565): max(200, ceil(max(B, M)/8)² · iterations / 3).
 * - Osaka (EIP-7883): max(500, complexity · iterations), complexity 16
 *   up to 32 bytes and 2·words² above, 16 iterations per exponent byte past
 *   the first 32 (was 8), no division by 3. EIP-7823 also caps each length at 1024 bytes: a
 *   longer one makes the call fail (consuming all its gas).
 */
import { bytesToBigInt, writeBigInt } from '../../primitives/bytes.js';
import { Fork } from '../../primitives/fork.js';
import { EMPTY_BYTES } from './common.js';
import type { Precompile } from './index.js';

/** EIP-7823: the largest base, exponent or modulus length, in bytes. */
const MAX_LENGTH = 1024n;
/** Gas returned for inputs EIP-7823 rejects: more than any call can have, so it fails either way. */
const UNPAYABLE = 1n << 64n;

interface Header {
  baseLen: bigint;
  expLen: bigint;
  modLen: bigint;
}

function readHeader(input: Uint8Array): Header {
  return { baseLen: readPadded(input, 0n, 32n), expLen: readPadded(input, 32n, 32n), modLen: readPadded(input, 64n, 32n) };
}

/**
 * The `length` bytes at `start` of `input` as a big-endian integer, bytes
 * past the end of the input reading as zero.
 */
function readPadded(input: Uint8Array, start: bigint, length: bigint): bigint {
  if (length === 0n || start >= BigInt(input.length)) return 0n;
  const from = Number(start);
  const available = Math.min(input.length - from, Number(length > 1n << 40n ? 1n << 40n : length));
  const value = bytesToBigInt(input, from, from + available);
  return value === 0n ? 0n : value << (8n * (length - BigInt(available)));
}

function bitLength(value: bigint): bigint {
  return value === 0n ? 0n : BigInt(value.toString(2).length);
}

/**
 * EIP-198's "adjusted exponent length" (EIP-2565's iteration count before
 * the max with 1): from the bit length of the exponent's first 32 bytes,
 * plus `perByte` for every exponent byte after them.
 */
function iterations(input: Uint8Array, h: Header, perByte: bigint): bigint {
  const headLen = h.expLen < 32n ? h.expLen : 32n;
  const head = readPadded(input, 96n + h.baseLen, headLen);
  const headBits = bitLength(head);
  const fromHead = headBits > 0n ? headBits - 1n : 0n;
  const count = h.expLen <= 32n ? fromHead : perByte * (h.expLen - 32n) + fromHead;
  return count > 1n ? count : 1n;
}

function complexityEip198(x: bigint): bigint {
  if (x <= 64n) return x * x;
  if (x <= 1024n) return (x * x) / 4n + 96n * x - 3072n;
  return (x * x) / 16n + 480n * x - 199680n;
}

function gas(input: Uint8Array, fork: Fork): bigint {
  const h = readHeader(input);
  const maxLen = h.baseLen > h.modLen ? h.baseLen : h.modLen;
  if (fork >= Fork.Osaka) {
    if (h.baseLen > MAX_LENGTH || h.expLen > MAX_LENGTH || h.modLen > MAX_LENGTH) return UNPAYABLE;
    const words = (maxLen + 7n) / 8n;
    const complexity = maxLen <= 32n ? 16n : 2n * words * words;
    // The final EIP-7883 drops EIP-2565's division by 3.
    const cost = complexity * iterations(input, h, 16n);
    return cost > 500n ? cost : 500n;
  }
  if (fork >= Fork.Berlin) {
    const words = (maxLen + 7n) / 8n;
    const cost = (words * words * iterations(input, h, 8n)) / 3n;
    return cost > 200n ? cost : 200n;
  }
  return (complexityEip198(maxLen) * iterations(input, h, 8n)) / 20n;
}

/** base^exp mod m (m >= 2), left to right over 4-bit windows of the exponent. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  const b = base % m;
  if (exp === 0n) return 1n;
  if (b === 0n) return 0n;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push((table[i - 1] * b) % m);
  const digits = exp.toString(16);
  let acc = table[parseInt(digits[0], 16)];
  for (let i = 1; i < digits.length; i++) {
    acc = (acc * acc) % m;
    acc = (acc * acc) % m;
    acc = (acc * acc) % m;
    acc = (acc * acc) % m;
    const d = parseInt(digits[i], 16);
    if (d !== 0) acc = (acc * table[d]) % m;
  }
  return acc;
}

function run(input: Uint8Array, fork: Fork): Uint8Array | null {
  const h = readHeader(input);
  if (fork >= Fork.Osaka && (h.baseLen > MAX_LENGTH || h.expLen > MAX_LENGTH || h.modLen > MAX_LENGTH)) return null;
  // Gas grows with the square of max(B, M), so once charged, the modulus is small enough to allocate.
  if (h.modLen === 0n) return EMPTY_BYTES;
  const modLen = Number(h.modLen);
  const mod = readPadded(input, 96n + h.baseLen + h.expLen, h.modLen);
  const out = new Uint8Array(modLen);
  if (mod <= 1n) return out; // x mod 0 is defined as 0 here (EIP-198), and x mod 1 is 0
  const base = readPadded(input, 96n, h.baseLen);
  const exp = readPadded(input, 96n + h.baseLen, h.expLen);
  writeBigInt(out, 0, modPow(base, exp, mod), modLen);
  return out;
}

export const modexp: Precompile = { gas, run };
