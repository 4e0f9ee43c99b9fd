/**
 * 256-bit values in shared memory: four little-endian 64-bit words. Reads
 * test the upper words through a 32-bit view first, so the common value that
 * fits in 64 bits costs one BigInt allocation instead of four.
 *
 * Internal module of the parallel executor.
 */

const MAX_U64 = 0xffffffffffffffffn;
const MAX_U128 = 0xffffffffffffffffffffffffffffffffn;

/** Writes `v` (0 <= v < 2^256) to w64[i..i+3]. */
export function writeU256(w64: BigUint64Array, i: number, v: bigint): void {
  if (v <= MAX_U64) {
    w64[i] = v;
    w64[i + 1] = 0n;
    w64[i + 2] = 0n;
    w64[i + 3] = 0n;
  } else if (v <= MAX_U128) {
    w64[i] = v;
    w64[i + 1] = v >> 64n;
    w64[i + 2] = 0n;
    w64[i + 3] = 0n;
  } else {
    w64[i] = v;
    w64[i + 1] = v >> 64n;
    w64[i + 2] = v >> 128n;
    w64[i + 3] = v >> 192n;
  }
}

/** Reads the value at w64[i..i+3]; `w32` views the same buffer. */
export function readU256(w64: BigUint64Array, w32: Int32Array | Uint32Array, i: number): bigint {
  const j = 2 * i;
  if ((w32[j + 4] | w32[j + 5] | w32[j + 6] | w32[j + 7]) === 0) {
    if ((w32[j + 2] | w32[j + 3]) === 0) return (w32[j] | w32[j + 1]) === 0 ? 0n : w64[i];
    return w64[i] | (w64[i + 1] << 64n);
  }
  return w64[i] | (w64[i + 1] << 64n) | (w64[i + 2] << 128n) | (w64[i + 3] << 192n);
}

/** Writes an address (< 2^160) to w64[i..i+2]. */
export function writeAddress(w64: BigUint64Array, i: number, a: bigint): void {
  w64[i] = a;
  w64[i + 1] = a >> 64n;
  w64[i + 2] = a >> 128n;
}

/** Reads the address at w64[i..i+2]. */
export function readAddress(w64: BigUint64Array, i: number): bigint {
  return w64[i] | (w64[i + 1] << 64n) | (w64[i + 2] << 128n);
}
