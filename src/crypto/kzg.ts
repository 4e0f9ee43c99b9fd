/**
 * KZG proof verification for the point evaluation precompile (EIP-4844),
 * over @noble/curves' BLS12-381.
 *
 * verify_kzg_proof (consensus-specs, Deneb polynomial-commitments) checks
 *   e(C - [y]G1, G2) == e(π, [τ]G2 - [z]G2).
 * We use the equivalent
 *   e(C - [y]G1 + [z]π, -G2) · e(π, [τ]G2) == 1,
 * whose G2 arguments are both constants: their Miller-loop line
 * coefficients are computed once, and a verification costs two G1
 * multiplications, a two-pair Miller loop and one final exponentiation.
 *
 * Only [τ]G2 of the trusted setup is needed: the g2_monomial[1] entry of
 * the KZG ceremony's trusted_setup.txt (the file c-kzg-4844 and every
 * consensus client ship).
 */
import { createHash } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';

type G1Point = InstanceType<typeof bls12_381.G1.Point>;

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const Fp12 = bls12_381.fields.Fp12;

/** The BLS12-381 scalar field modulus (EIP-4844 BLS_MODULUS). */
export const BLS_MODULUS = bls12_381.fields.Fr.ORDER;
export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const VERSIONED_HASH_VERSION_KZG = 0x01;

/** [τ]G2, compressed (trusted_setup.txt, g2_monomial[1]). */
const TAU_G2_HEX =
  'b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72' +
  '185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2';

type Precompute = ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;
let lines: { negG2: Precompute; tauG2: Precompute } | undefined;

/** The constant G2 sides of the check, prepared on first use (~10 ms). */
function getLines(): { negG2: Precompute; tauG2: Precompute } {
  if (lines === undefined) {
    const tau = G2.fromHex(TAU_G2_HEX);
    lines = {
      negG2: bls12_381.utils.calcPairingPrecomputes(G2.BASE.negate()),
      tauG2: bls12_381.utils.calcPairingPrecomputes(tau),
    };
  }
  return lines;
}

/** VERSIONED_HASH_VERSION_KZG || sha256(commitment)[1:] (EIP-4844 kzg_to_versioned_hash). */
export function kzgToVersionedHash(commitment: Uint8Array): Uint8Array {
  const hash = new Uint8Array(createHash('sha256').update(commitment).digest());
  hash[0] = VERSIONED_HASH_VERSION_KZG;
  return hash;
}

/**
 * A 48-byte compressed G1 point in the prime-order subgroup (infinity
 * allowed), or null if the encoding or the point is invalid
 * (consensus-specs bytes_to_kzg_commitment / bytes_to_kzg_proof).
 */
export function decodeKzgPoint(bytes: Uint8Array): G1Point | null {
  if (bytes.length !== 48) return null;
  try {
    return G1.fromBytes(bytes); // decompresses and checks curve and subgroup
  } catch {
    return null;
  }
}

/**
 * Whether `proof` shows that the polynomial committed to by `commitment`
 * evaluates to `y` at `z`. False for any invalid encoding or out-of-range
 * field element.
 */
export function verifyKzgProof(commitment: Uint8Array, z: bigint, y: bigint, proof: Uint8Array): boolean {
  if (z < 0n || z >= BLS_MODULUS || y < 0n || y >= BLS_MODULUS) return false;
  const c = decodeKzgPoint(commitment);
  const pi = decodeKzgPoint(proof);
  if (c === null || pi === null) return false;
  // Q = C - [y]G1 + [z]π; multiplication by zero is skipped (noble rejects scalar 0).
  let q = c;
  if (y !== 0n) q = q.subtract(G1.BASE.multiply(y));
  if (z !== 0n && !pi.is0()) q = q.add(pi.multiplyUnsafe(z));
  const { negG2, tauG2 } = getLines();
  const pairs: [Precompute, bigint, bigint][] = [];
  // A point at infinity contributes a factor of one.
  if (!q.is0()) {
    const a = q.toAffine();
    pairs.push([negG2, a.x, a.y]);
  }
  if (!pi.is0()) {
    const a = pi.toAffine();
    pairs.push([tauG2, a.x, a.y]);
  }
  if (pairs.length === 0) return true;
  const f = Fp12.finalExponentiate(bls12_381.millerLoopBatch(pairs));
  return Fp12.eql(f, Fp12.ONE);
}
