import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { decodeG1, decodeG2, encodeG1, encodeG2 } from '../../crypto/bls12-381.js';
import { bigIntToBytes, concatBytes } from '../../primitives/bytes.js';
import { Fork } from '../../primitives/fork.js';
import { hexToBytes } from '../../primitives/hex.js';
import { blsG1Add } from './0b-bls12-g1add.js';
import { blsG1Msm } from './0c-bls12-g1msm.js';
import { blsG2Add } from './0d-bls12-g2add.js';
import { blsG2Msm } from './0e-bls12-g2msm.js';
import { blsPairing } from './0f-bls12-pairing.js';
import { blsMapFpToG1 } from './10-bls12-map-fp-to-g1.js';
import { blsMapFp2ToG2 } from './11-bls12-map-fp2-to-g2.js';

const F = Fork.Prague;
const G1 = bls12_381.G1.Point.BASE;
const G2 = bls12_381.G2.Point.BASE;
const R = bls12_381.fields.Fr.ORDER;
const P = bls12_381.fields.Fp.ORDER;
const word = (v: bigint): Uint8Array => bigIntToBytes(v, 32);
const fp = (v: bigint): Uint8Array => bigIntToBytes(v, 64);
const INF1 = new Uint8Array(128);
const INF2 = new Uint8Array(256);

/** A point on E(Fp) outside the order-r subgroup: lift x = 1, 2, ... until x^3 + 4 is a square. */
function g1OutsideSubgroup(): Uint8Array {
  const Fp = bls12_381.fields.Fp;
  for (let x = 1n; ; x++) {
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y: bigint;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    if (!bls12_381.G1.Point.fromAffine({ x, y }).isTorsionFree()) return concatBytes(fp(x), fp(y));
  }
}

test('G1ADD: G + G = 2G, identities, exact length; gas 375', () => {
  const g = encodeG1(G1);
  assert.deepEqual(blsG1Add.run(concatBytes(g, g), F), encodeG1(G1.double()));
  assert.deepEqual(blsG1Add.run(concatBytes(g, INF1), F), g);
  assert.deepEqual(blsG1Add.run(concatBytes(INF1, INF1), F), INF1);
  assert.deepEqual(blsG1Add.run(concatBytes(g, encodeG1(G1.negate())), F), INF1);
  assert.equal(blsG1Add.run(concatBytes(g, g).subarray(1), F), null);
  assert.equal(blsG1Add.run(concatBytes(g, g, new Uint8Array(1)), F), null);
  assert.equal(blsG1Add.gas(new Uint8Array(256), F), 375n);
});

test('encodings: padding must be zero, coordinates < p, points on the curve', () => {
  const g = encodeG1(G1);
  const padded = g.slice();
  padded[0] = 1; // top 16 bytes of x
  assert.equal(blsG1Add.run(concatBytes(padded, g), F), null);
  assert.equal(blsG1Add.run(concatBytes(fp(P), fp(0n), g), F), null);
  const offCurve = g.slice();
  offCurve[127] ^= 1;
  assert.equal(blsG1Add.run(concatBytes(offCurve, g), F), null);
  // Only (0, 0) encodes infinity: (0, 3) is just a point off the curve, while (0, 2) lies on it.
  assert.equal(blsG1Add.run(concatBytes(fp(0n), fp(3n), g), F), null);
  assert.notEqual(blsG1Add.run(concatBytes(fp(0n), fp(2n), g), F), null);
  assert.equal(decodeG2(concatBytes(fp(0n), fp(0n), fp(1n), fp(0n)), 0, false), null);
});

test('ADD accepts points outside the subgroup; MSM and PAIRING reject them', () => {
  const bad = g1OutsideSubgroup();
  assert.notEqual(decodeG1(bad, 0, false), null);
  assert.equal(decodeG1(bad, 0, true), null);
  assert.notEqual(blsG1Add.run(concatBytes(bad, encodeG1(G1)), F), null);
  assert.equal(blsG1Msm.run(concatBytes(bad, word(1n)), F), null);
  assert.equal(blsPairing.run(concatBytes(bad, encodeG2(G2)), F), null);
});

test('G1MSM: scalars are 256-bit (r·G = 0), sums over pairs, k >= 1 and whole pairs', () => {
  const g = encodeG1(G1);
  assert.deepEqual(blsG1Msm.run(concatBytes(g, word(2n)), F), encodeG1(G1.double()));
  assert.deepEqual(blsG1Msm.run(concatBytes(g, word(R + 2n)), F), encodeG1(G1.double()));
  assert.deepEqual(blsG1Msm.run(concatBytes(g, word(R)), F), INF1);
  assert.deepEqual(blsG1Msm.run(concatBytes(g, word((1n << 256n) - 1n)), F), encodeG1(G1.multiply(((1n << 256n) - 1n) % R)));
  // 1·G + 2·G + 3·G + 4·G + 5·G (Pippenger from four terms) = 15·G
  const five = concatBytes(...[1n, 2n, 3n, 4n, 5n].map((s) => concatBytes(g, word(s))));
  assert.deepEqual(blsG1Msm.run(five, F), encodeG1(G1.multiply(15n)));
  assert.deepEqual(blsG1Msm.run(concatBytes(INF1, word(7n), g, word(0n)), F), INF1);
  assert.equal(blsG1Msm.run(new Uint8Array(0), F), null);
  assert.equal(blsG1Msm.run(concatBytes(g, word(1n)).subarray(1), F), null);
});

test('G2ADD and G2MSM: 2·G2 both ways; lengths 512 and k·288', () => {
  const g = encodeG2(G2);
  const double = encodeG2(G2.double());
  assert.deepEqual(blsG2Add.run(concatBytes(g, g), F), double);
  assert.deepEqual(blsG2Add.run(concatBytes(g, INF2), F), g);
  assert.deepEqual(blsG2Msm.run(concatBytes(g, word(2n)), F), double);
  assert.deepEqual(blsG2Msm.run(concatBytes(g, word(1n), g, word(1n)), F), double);
  assert.equal(blsG2Add.run(concatBytes(g, g).subarray(1), F), null);
  assert.equal(blsG2Msm.run(concatBytes(g, word(1n), new Uint8Array(1)), F), null);
  assert.equal(blsG2Add.gas(new Uint8Array(512), F), 600n);
});

test('MSM gas: k · cost · discount(k) / 1000, the last discount past 128 pairs', () => {
  const g1 = (k: number) => blsG1Msm.gas(new Uint8Array(160 * k), F);
  const g2 = (k: number) => blsG2Msm.gas(new Uint8Array(288 * k), F);
  assert.deepEqual([g1(1), g1(2), g1(128), g1(129)], [12000n, 22776n, 797184n, 803412n]);
  assert.deepEqual([g2(1), g2(2), g2(3), g2(128), g2(200)], [22500n, 45000n, 62302n, 1509120n, 2358000n]);
  assert.equal(g1(0), 0n);
});

test('PAIRING_CHECK: e(G1, G2)·e(-G1, G2) = 1; infinity pairs count as one; gas 32600k + 37700', () => {
  const one = word(1n);
  const pair = concatBytes(encodeG1(G1), encodeG2(G2));
  const inverse = concatBytes(encodeG1(G1.negate()), encodeG2(G2));
  assert.deepEqual(blsPairing.run(concatBytes(pair, inverse), F), one);
  assert.deepEqual(blsPairing.run(pair, F), word(0n));
  assert.deepEqual(blsPairing.run(concatBytes(INF1, encodeG2(G2)), F), one);
  assert.deepEqual(blsPairing.run(concatBytes(encodeG1(G1), INF2), F), one);
  assert.equal(blsPairing.run(new Uint8Array(0), F), null);
  assert.equal(blsPairing.run(pair.subarray(1), F), null);
  assert.equal(blsPairing.gas(new Uint8Array(768), F), 102900n);
});

test('MAP_FP_TO_G1 and MAP_FP2_TO_G2: EIP-2537 vectors that map to infinity; outputs in the subgroup', () => {
  // From execution-spec-tests test_eip_2537 (fp_map_to_inf0, fp_map_to_inf1).
  const toInf1 = hexToBytes(
    '0x00000000000000000000000000000000053287da0e0815dc9541794c8b35ddc31ba75821e2bf11e238e9978812a768288b979af4a204a95c1e79dfedd252a3c5',
  );
  const toInf2 = hexToBytes(
    '0x0000000000000000000000000000000016ce9bde53570b69b50aa33a30e4023a26e3b393e0fcd71607b97ec3c7e3f0c91d1544ee9ca873cfaf0a63ac04692d6a' +
      '0000000000000000000000000000000013004bc47b23e05e1e4d876339f2834dec0e392157d4478f8a606480b760b9d58cc55e6cca489194ac02c01b160a11b1',
  );
  assert.deepEqual(blsMapFpToG1.run(toInf1, F), INF1);
  assert.deepEqual(blsMapFp2ToG2.run(toInf2, F), INF2);
  const g1 = blsMapFpToG1.run(fp(12345n), F)!;
  assert.notEqual(decodeG1(g1, 0, true), null);
  const g2 = blsMapFp2ToG2.run(concatBytes(fp(1n), fp(2n)), F)!;
  assert.notEqual(decodeG2(g2, 0, true), null);
  assert.equal(blsMapFpToG1.run(fp(P), F), null);
  assert.equal(blsMapFpToG1.run(fp(1n).subarray(1), F), null);
  assert.equal(blsMapFp2ToG2.run(concatBytes(fp(1n), fp(P)), F), null);
  assert.equal(blsMapFpToG1.gas(fp(1n), F), 5500n);
  assert.equal(blsMapFp2ToG2.gas(concatBytes(fp(1n), fp(1n)), F), 23800n);
});
