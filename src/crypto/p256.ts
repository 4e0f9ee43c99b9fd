/**
 * secp256r1 (P-256) ECDSA verification as EIP-7951 specifies it for the
 * P256VERIFY precompile, over @noble/curves' point arithmetic.
 *
 * The EIP's checks are spelled out here rather than left to a signature
 * library's policy: r and s in [1, n-1] (no low-s rule), the public key's
 * coordinates < p, not (0, 0), on the curve (the curve has cofactor 1, so
 * that is also the subgroup check); then R' = [h·s⁻¹]G + [r·s⁻¹]Q must not
 * be infinity and R'.x mod n must equal r. The hash h is used as a 256-bit
 * integer, reduced mod n.
 */
import { p256 } from '@noble/curves/nist.js';

const Point = p256.Point;
const Fn = Point.Fn;
const P = Point.Fp.ORDER;
const N = Fn.ORDER;
const A = Point.CURVE().a;
const B = Point.CURVE().b;

function onCurve(x: bigint, y: bigint): boolean {
  // y^2 = x^3 + a·x + b (mod p), a = -3
  return (y * y - (x * x * x + A * x + B)) % P === 0n;
}

/** Whether (r, s) is a valid signature of hash `h` by the public key (qx, qy). */
export function p256Verify(h: bigint, r: bigint, s: bigint, qx: bigint, qy: bigint): boolean {
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  if (qx >= P || qy >= P || (qx === 0n && qy === 0n)) return false;
  if (!onCurve(qx, qy)) return false;
  const q = Point.fromAffine({ x: qx, y: qy });
  const sInv = Fn.inv(s);
  const u1 = Fn.mul(h % N, sInv);
  const u2 = Fn.mul(r, sInv);
  // Verification inputs are public, so the variable-time Strauss-Shamir ladder is fine.
  const R = Point.BASE.mulAddUnsafe(u1, q, u2);
  if (R.is0()) return false;
  return R.toAffine().x % N === r;
}
