/**
 * alt_bn128 (bn254) for the EVM precompiles 0x06-0x08: point codecs with
 * the EIP-196/197 encoding rules, over herumi's mcl compiled to WebAssembly
 * (mcl-wasm, curve BN_SNARK1 = the EVM's alt_bn128): 4x (ECADD) to 11x
 * (ECMUL) faster than @noble/curves, which this replaced; zk-proof verifiers
 * make these calls the heaviest part of many mainnet blocks
 * (bench/bn254.ts).
 *
 * Encoding (EIP-196): a G1 point is x || y, 32-byte big-endian words, each
 * < p; (0, 0) is the point at infinity. A G2 point (EIP-197) is
 * x_im || x_re || y_im || y_re: the imaginary part comes first, the reverse
 * of mcl's Fp2 { a: real, b: imaginary }.
 *
 * mcl-wasm keeps one curve per JS realm (each worker thread has its own):
 * this module initialises it with a top-level await, so importers see a
 * ready, synchronous API (about 60 ms once per thread). Nothing else in a
 * thread may re-initialise mcl-wasm with another curve (it holds one at a
 * time) or turn its G2 order check off.
 */
import * as mcl from 'mcl-wasm';
import { writeBigInt } from '../primitives/bytes.js';

await mcl.init(mcl.BN_SNARK1);
// EIP-197: G2 points outside the order-n subgroup are invalid. mcl checks
// the order inside G2.isValid() only while this flag is on.
mcl.verifyOrderG2(true);

type G1Point = mcl.G1;
/**
 * A decoded G2 point, with the 128 bytes it came from as a latin1 string
 * (null for the point at infinity): the key of the pairing cache below.
 * Decoded points may be shared with the cache: never mutate them.
 */
interface G2Point {
  readonly point: mcl.G2;
  readonly key: string | null;
}

/** Base field modulus p, big-endian, for the range check on input words. */
const P_BYTES = new Uint8Array([
  0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
  0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47,
]);

const FP_ONE = new mcl.Fp();
FP_ONE.setInt(1);
const FP2_ONE = new mcl.Fp2();
FP2_ONE.setInt(1, 0);

/** Whether the 32-byte big-endian word at `offset` is < p. */
function belowP(input: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 32; i++) {
    const a = input[offset + i]!;
    const b = P_BYTES[i]!;
    if (a !== b) return a < b;
  }
  return false; // equal to p
}

function isZeroBytes(input: Uint8Array, offset: number, length: number): boolean {
  for (let i = offset; i < offset + length; i++) if (input[i] !== 0) return false;
  return true;
}

/** The field element of a word already known to be < p (so no reduction happens). */
function readFp(input: Uint8Array, offset: number): mcl.Fp {
  const f = new mcl.Fp();
  f.setBigEndianMod(input.subarray(offset, offset + 32));
  return f;
}

/** The Fp2 element re + im·i from EIP-197's im || re word order. */
function readFp2(input: Uint8Array, offset: number): mcl.Fp2 {
  const f = new mcl.Fp2();
  f.set_b(readFp(input, offset));
  f.set_a(readFp(input, offset + 32));
  return f;
}

/**
 * Decodes the 64-byte G1 point at `offset` of `input` (which the caller has
 * padded), or null if a coordinate is >= p or the point is not on the curve.
 */
export function decodeG1(input: Uint8Array, offset: number): G1Point | null {
  if (!belowP(input, offset) || !belowP(input, offset + 32)) return null;
  const point = new mcl.G1(); // all-zero limbs: the point at infinity
  if (isZeroBytes(input, offset, 64)) return point;
  // Affine (x, y) is Jacobian/projective (x, y, 1).
  point.setX(readFp(input, offset));
  point.setY(readFp(input, offset + 32));
  point.setZ(FP_ONE);
  // y^2 = x^3 + 3; G1's cofactor is 1, so on-curve means in-group.
  return point.isValid() ? point : null;
}

/**
 * Verifiers pair proofs with the G2 points of their verifying key (Groth16's
 * gamma and delta, PLONK's [1] and [x]), the same bytes call after call.
 * For up to G2_CACHE_SIZE such points, most recently used kept, this caches
 * the validated point (the subgroup check costs about as much as a Miller
 * loop) and mcl's precomputed Miller-loop lines for it (a third faster
 * loop). Entries are pure functions of the key, so hits change no result.
 * A PrecomputedG2 holds WebAssembly memory: evicted ones are destroyed.
 */
const G2_CACHE_SIZE = 32;
interface CachedG2 {
  point: mcl.G2;
  lines: mcl.PrecomputedG2;
}
const g2Cache = new Map<string, CachedG2>();

function g2Key(input: Uint8Array, offset: number): string {
  return Buffer.from(input.buffer, input.byteOffset + offset, 128).toString('latin1');
}

/**
 * Decodes the 128-byte G2 point at `offset`, or null if a coordinate is >= p,
 * the point is off the twist, or it is outside the order-n subgroup (EIP-197).
 */
export function decodeG2(input: Uint8Array, offset: number): G2Point | null {
  for (let i = 0; i < 128; i += 32) if (!belowP(input, offset + i)) return null;
  if (isZeroBytes(input, offset, 128)) return { point: new mcl.G2(), key: null };
  const key = g2Key(input, offset);
  const cached = g2Cache.get(key);
  if (cached !== undefined) return { point: cached.point, key };
  const point = new mcl.G2();
  point.setX(readFp2(input, offset));
  point.setY(readFp2(input, offset + 64));
  point.setZ(FP2_ONE);
  // On the twist and, with verifyOrderG2 on, n·Q = 0.
  return point.isValid() ? { point, key } : null;
}

/** Drops least recently used cache entries until at most `keep` remain. */
function evictG2(keep: number): void {
  for (const [key, entry] of g2Cache) {
    if (g2Cache.size <= keep) return;
    entry.lines.destroy();
    g2Cache.delete(key);
  }
}

/** The Miller loop f(P, Q), through the cache's precomputed lines for Q when there is room. */
function millerLoop(p: G1Point, q: G2Point): mcl.GT {
  const key = q.key!;
  let entry = g2Cache.get(key);
  if (entry !== undefined) {
    g2Cache.delete(key); // re-insert: most recently used last
  } else {
    if (g2Cache.size >= G2_CACHE_SIZE) return mcl.millerLoop(p, q.point);
    entry = { point: q.point, lines: new mcl.PrecomputedG2(q.point) };
  }
  g2Cache.set(key, entry);
  return mcl.precomputedMillerLoop(p, entry.lines);
}

function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87; // '0'-'9', 'a'-'f' (either case)
}

/**
 * Writes the hex digits `hex[start, end)` (at most 64, no prefix) as the
 * right-aligned 32-byte word at `offset` of the zero-filled `out`.
 */
function writeHexWord(out: Uint8Array, offset: number, hex: string, start: number, end: number): void {
  let pos = offset + 31;
  let i = end;
  for (; i - 2 >= start; i -= 2) out[pos--] = (hexDigit(hex.charCodeAt(i - 2)) << 4) | hexDigit(hex.charCodeAt(i - 1));
  if (i > start) out[pos] = hexDigit(hex.charCodeAt(start));
}

/** Encodes a G1 point as 64 bytes (infinity as zeros). */
export function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(64);
  if (point.isZero()) return out;
  // mcl writes a finite point as "1 <x> <y>" in affine coordinates, hex without leading zeros.
  const str = point.getStr(16);
  const space = str.indexOf(' ', 2);
  writeHexWord(out, 0, str, 2, space);
  writeHexWord(out, 32, str, space + 1, str.length);
  return out;
}

/** EIP-196 ECADD on two decoded points. */
export function g1Add(a: G1Point, b: G1Point): G1Point {
  return mcl.add(a, b);
}

const scalarBytes = new Uint8Array(32);

/** EIP-196 ECMUL: any 256-bit scalar (reduced mod n, as the group has order n). */
export function g1Mul(point: G1Point, scalar: bigint): G1Point {
  writeBigInt(scalarBytes, 0, scalar, 32);
  const s = new mcl.Fr();
  s.setBigEndianMod(scalarBytes);
  return mcl.mul(point, s);
}

/**
 * EIP-197 pairing check: whether the product of e(g1_i, g2_i) is one. Pairs
 * with a point at infinity contribute one and are skipped; the Miller loops
 * are multiplied and share one final exponentiation.
 */
export function pairingCheck(pairs: { g1: G1Point; g2: G2Point }[]): boolean {
  // Make room for this call's points up front: lines are only destroyed
  // here, never while a loop below may still use them.
  evictG2(Math.max(0, G2_CACHE_SIZE - pairs.length));
  let f: mcl.GT | null = null;
  for (const { g1, g2 } of pairs) {
    if (g1.isZero() || g2.key === null) continue;
    const m = millerLoop(g1, g2);
    f = f === null ? m : mcl.mul(f, m);
  }
  return f === null || mcl.finalExp(f).isOne();
}

export type { G1Point as Bn254G1Point, G2Point as Bn254G2Point };
