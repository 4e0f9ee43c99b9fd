/**
 * alt_bn128 (bn254) for the EVM precompiles 0x06-0x08: point codecs with
 * the EIP-196/197 encoding rules, over @noble/curves' audited arithmetic.
 *
 * Encoding (EIP-196): a G1 point is x || y, 32-byte big-endian words, each
 * < p; (0, 0) is the point at infinity. A G2 point (EIP-197) is
 * x_im || x_re || y_im || y_re: the imaginary part comes first, the reverse
 * of noble's Fp2 { c0: real, c1: imaginary }.
 */
import { bn254 } from '@noble/curves/bn254.js';
import { bytesToBigInt, writeBigInt } from '../primitives/bytes.js';

type G1Point = InstanceType<typeof bn254.G1.Point>;
type G2Point = InstanceType<typeof bn254.G2.Point>;

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const Fp = bn254.fields.Fp;
const Fp2 = bn254.fields.Fp2;
const Fp12 = bn254.fields.Fp12;
/** Base field modulus p. */
const P = Fp.ORDER;
/** Group order n (G1 has cofactor 1, so every curve point is in the group). */
const N = bn254.fields.Fr.ORDER;
const B = 3n;

function readWord(input: Uint8Array, offset: number): bigint {
  return bytesToBigInt(input, offset, offset + 32);
}

/**
 * Decodes the 64-byte G1 point at `offset` of `input` (which the caller has
 * padded), or null if a coordinate is >= p or the point is not on the curve.
 */
export function decodeG1(input: Uint8Array, offset: number): G1Point | null {
  const x = readWord(input, offset);
  const y = readWord(input, offset + 32);
  if (x >= P || y >= P) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  // y^2 = x^3 + 3; G1's cofactor is 1, so on-curve means in-group.
  if ((y * y - x * x * x - B) % P !== 0n) return null;
  return G1.fromAffine({ x, y });
}

/**
 * Decodes the 128-byte G2 point at `offset`, or null if a coordinate is >= p,
 * the point is off the twist, or it is outside the order-n subgroup (EIP-197).
 */
export function decodeG2(input: Uint8Array, offset: number): G2Point | null {
  const xIm = readWord(input, offset);
  const xRe = readWord(input, offset + 32);
  const yIm = readWord(input, offset + 64);
  const yRe = readWord(input, offset + 96);
  if (xIm >= P || xRe >= P || yIm >= P || yRe >= P) return null;
  if (xIm === 0n && xRe === 0n && yIm === 0n && yRe === 0n) return G2.ZERO;
  // No point with y = 0 lies on the twist (its order is odd); noble's constructor rejects it.
  if (yIm === 0n && yRe === 0n) return null;
  const point = G2.fromAffine({ x: Fp2.fromBigTuple([xRe, xIm]), y: Fp2.fromBigTuple([yRe, yIm]) });
  try {
    point.assertValidity(); // on the twist and torsion-free
  } catch {
    return null;
  }
  return point;
}

/** Encodes a G1 point as 64 bytes (infinity as zeros). */
export function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(64);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  writeBigInt(out, 0, x, 32);
  writeBigInt(out, 32, y, 32);
  return out;
}

/** EIP-196 ECADD on two decoded points. */
export function g1Add(a: G1Point, b: G1Point): G1Point {
  return a.add(b);
}

/** EIP-196 ECMUL: any 256-bit scalar (reduced mod n, as the group has order n). */
export function g1Mul(point: G1Point, scalar: bigint): G1Point {
  const s = scalar % N;
  if (s === 0n || point.is0()) return G1.ZERO;
  // Inputs are public, so the faster variable-time ladder is fine.
  return point.multiplyUnsafe(s);
}

/**
 * EIP-197 pairing check: whether the product of e(g1_i, g2_i) is one. Pairs
 * with a point at infinity contribute one and are skipped.
 */
export function pairingCheck(pairs: { g1: G1Point; g2: G2Point }[]): boolean {
  const live = pairs.filter((p) => !p.g1.is0() && !p.g2.is0());
  if (live.length === 0) return true;
  return Fp12.eql(bn254.pairingBatch(live), Fp12.ONE);
}

export type { G1Point as Bn254G1Point, G2Point as Bn254G2Point };
