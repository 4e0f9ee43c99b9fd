/**
 * The BLAKE2b compression function F with a caller-chosen round count
 * (RFC 7693 section 3.2; EIP-152 exposes it as precompile 0x09).
 *
 * 64-bit words are held as (lo, hi) pairs of 32-bit integers in a
 * Uint32Array: BigInt arithmetic would be ~50x slower, and EIP-152 lets a
 * caller ask for up to 2^32-1 rounds (one gas each), so the loop must stay
 * allocation-free. The message schedule repeats every 10 rounds (SIGMA).
 */

/** BLAKE2b initialisation vector (RFC 7693 section 2.6), as (lo, hi) pairs. */
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

/** Message word permutation per round (RFC 7693 section 2.7), pre-doubled to index (lo, hi) pairs. */
const SIGMA2 = new Uint8Array(
  [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  ]
    .flat()
    .map((i) => i * 2),
);

/** Working vector v[0..15], reused across calls (F is synchronous and not re-entrant). */
const v = new Uint32Array(32);

/**
 * The mixing function G on v[a], v[b], v[c], v[d] (indices of lo halves) with
 * message words (xl, xh) and (yl, yh).
 */
function mix(a: number, b: number, c: number, d: number, xl: number, xh: number, yl: number, yh: number): void {
  // a = a + b + x
  let s = v[a] + v[b];
  let al = s >>> 0;
  let ah = (v[a + 1] + v[b + 1] + ((s / 0x100000000) | 0)) >>> 0;
  s = al + xl;
  al = s >>> 0;
  ah = (ah + xh + ((s / 0x100000000) | 0)) >>> 0;
  // d = (d ^ a) >>> 32: swap halves
  let dl = v[d + 1] ^ ah;
  let dh = v[d] ^ al;
  // c = c + d
  s = v[c] + (dl >>> 0);
  let cl = s >>> 0;
  let ch = (v[c + 1] + (dh >>> 0) + ((s / 0x100000000) | 0)) >>> 0;
  // b = (b ^ c) >>> 24
  let bl = v[b] ^ cl;
  let bh = v[b + 1] ^ ch;
  let tl = (bl >>> 24) | (bh << 8);
  let th = (bh >>> 24) | (bl << 8);
  bl = tl >>> 0;
  bh = th >>> 0;
  // a = a + b + y
  s = al + bl;
  al = s >>> 0;
  ah = (ah + bh + ((s / 0x100000000) | 0)) >>> 0;
  s = al + yl;
  al = s >>> 0;
  ah = (ah + yh + ((s / 0x100000000) | 0)) >>> 0;
  // d = (d ^ a) >>> 16
  dl ^= al;
  dh ^= ah;
  tl = (dl >>> 16) | (dh << 16);
  th = (dh >>> 16) | (dl << 16);
  dl = tl >>> 0;
  dh = th >>> 0;
  // c = c + d
  s = cl + dl;
  cl = s >>> 0;
  ch = (ch + dh + ((s / 0x100000000) | 0)) >>> 0;
  // b = (b ^ c) >>> 63, i.e. rotate left by one
  bl ^= cl;
  bh ^= ch;
  tl = (bl << 1) | (bh >>> 31);
  th = (bh << 1) | (bl >>> 31);
  v[a] = al;
  v[a + 1] = ah;
  v[b] = tl >>> 0;
  v[b + 1] = th >>> 0;
  v[c] = cl;
  v[c + 1] = ch;
  v[d] = dl;
  v[d + 1] = dh;
}

/**
 * Runs F in place on the state `h` (8 words as 16 lo/hi halves).
 * `m` holds the 16 message words (32 halves), `t` the offset counter
 * (t0 lo, t0 hi, t1 lo, t1 hi), `final` the last-block flag.
 */
export function blake2bCompress(rounds: number, h: Uint32Array, m: Uint32Array, t: Uint32Array, final: boolean): void {
  for (let i = 0; i < 16; i++) {
    v[i] = h[i];
    v[i + 16] = IV[i];
  }
  v[24] ^= t[0];
  v[25] ^= t[1];
  v[26] ^= t[2];
  v[27] ^= t[3];
  if (final) {
    v[28] = ~v[28] >>> 0;
    v[29] = ~v[29] >>> 0;
  }
  for (let r = 0; r < rounds; r++) {
    const o = (r % 10) * 16;
    const s = SIGMA2;
    // Columns, then diagonals; indices are of lo halves (word index * 2).
    mix(0, 8, 16, 24, m[s[o]], m[s[o] + 1], m[s[o + 1]], m[s[o + 1] + 1]);
    mix(2, 10, 18, 26, m[s[o + 2]], m[s[o + 2] + 1], m[s[o + 3]], m[s[o + 3] + 1]);
    mix(4, 12, 20, 28, m[s[o + 4]], m[s[o + 4] + 1], m[s[o + 5]], m[s[o + 5] + 1]);
    mix(6, 14, 22, 30, m[s[o + 6]], m[s[o + 6] + 1], m[s[o + 7]], m[s[o + 7] + 1]);
    mix(0, 10, 20, 30, m[s[o + 8]], m[s[o + 8] + 1], m[s[o + 9]], m[s[o + 9] + 1]);
    mix(2, 12, 22, 24, m[s[o + 10]], m[s[o + 10] + 1], m[s[o + 11]], m[s[o + 11] + 1]);
    mix(4, 14, 16, 26, m[s[o + 12]], m[s[o + 12] + 1], m[s[o + 13]], m[s[o + 13] + 1]);
    mix(6, 8, 18, 28, m[s[o + 14]], m[s[o + 14] + 1], m[s[o + 15]], m[s[o + 15] + 1]);
  }
  for (let i = 0; i < 16; i++) h[i] = (h[i] ^ v[i] ^ v[i + 16]) >>> 0;
}

/**
 * EIP-152 input parsing and F: `input` must be exactly 213 bytes
 * (rounds u32 BE | h 8×u64 LE | m 16×u64 LE | t 2×u64 LE | f u8); returns the
 * new state as 64 bytes (little-endian words), or null when the length or
 * the final flag (not 0 or 1) is invalid.
 */
export function blake2f(input: Uint8Array): Uint8Array | null {
  if (input.length !== 213) return null;
  const f = input[212];
  if (f > 1) return null;
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const rounds = view.getUint32(0, false);
  const h = new Uint32Array(16);
  const m = new Uint32Array(32);
  const t = new Uint32Array(4);
  for (let i = 0; i < 16; i++) h[i] = view.getUint32(4 + i * 4, true);
  for (let i = 0; i < 32; i++) m[i] = view.getUint32(68 + i * 4, true);
  for (let i = 0; i < 4; i++) t[i] = view.getUint32(196 + i * 4, true);
  blake2bCompress(rounds, h, m, t, f === 1);
  const out = new Uint8Array(64);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) outView.setUint32(i * 4, h[i], true);
  return out;
}

/** Gas of F: one per round (EIP-152). Reads the round count even from a malformed input. */
export function blake2fRounds(input: Uint8Array): number {
  if (input.length < 4) return 0;
  return ((input[0] << 24) | (input[1] << 16) | (input[2] << 8) | input[3]) >>> 0;
}
