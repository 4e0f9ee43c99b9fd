import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bn254 } from '@noble/curves/bn254.js';
import { bigIntToBytes, concatBytes } from '../../primitives/bytes.js';
import { Fork } from '../../primitives/fork.js';
import { bytesToHex } from '../../primitives/hex.js';
import { bn254Add } from './06-bn254-add.js';
import { bn254Mul } from './07-bn254-mul.js';
import { bn254Pairing } from './08-bn254-pairing.js';

const word = (v: bigint): Uint8Array => bigIntToBytes(v, 32);
const P = bn254.fields.Fp.ORDER;
const N = bn254.fields.Fr.ORDER;
const G1 = concatBytes(word(1n), word(2n));
/** 2·G1, a well-known value (e.g. EIP-196 test suites). */
const G1_DOUBLE =
  '0x030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3' +
  '15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4';

/** A G2 point in EIP-197 order: x_im, x_re, y_im, y_re. */
function g2Bytes(point: InstanceType<typeof bn254.G2.Point>): Uint8Array {
  const { x, y } = point.toAffine();
  return concatBytes(word(x.c1), word(x.c0), word(y.c1), word(y.c0));
}
function g1Bytes(point: InstanceType<typeof bn254.G1.Point>): Uint8Array {
  const { x, y } = point.toAffine();
  return concatBytes(word(x), word(y));
}
const G2 = g2Bytes(bn254.G2.Point.BASE);
const NEG_G1 = g1Bytes(bn254.G1.Point.BASE.negate());

test('ECADD: G + G = 2G, identity, short input padded; gas 500 then 150 (EIP-1108)', () => {
  assert.equal(bytesToHex(bn254Add.run(concatBytes(G1, G1), Fork.Byzantium)!), G1_DOUBLE);
  assert.deepEqual(bn254Add.run(G1, Fork.Osaka), G1); // G + infinity (the missing 64 bytes)
  assert.deepEqual(bn254Add.run(new Uint8Array(0), Fork.Osaka), new Uint8Array(64));
  assert.deepEqual(bn254Add.run(concatBytes(G1, NEG_G1), Fork.Osaka), new Uint8Array(64));
  assert.deepEqual(bn254Add.run(concatBytes(G1, G1, new Uint8Array(10).fill(0xff)), Fork.Osaka)!.length, 64);
  assert.equal(bn254Add.gas(G1, Fork.Byzantium), 500n);
  assert.equal(bn254Add.gas(G1, Fork.Petersburg), 500n);
  assert.equal(bn254Add.gas(G1, Fork.Istanbul), 150n);
});

test('ECADD fails on a point off the curve or a coordinate >= p', () => {
  assert.equal(bn254Add.run(concatBytes(word(1n), word(3n)), Fork.Osaka), null);
  assert.equal(bn254Add.run(concatBytes(word(1n), word(2n + P)), Fork.Osaka), null);
  assert.equal(bn254Add.run(concatBytes(word(P), word(0n)), Fork.Osaka), null);
});

test('ECMUL: 2G, scalars are full 256-bit words (n·G = infinity); gas 40000 then 6000', () => {
  assert.equal(bytesToHex(bn254Mul.run(concatBytes(G1, word(2n)), Fork.Osaka)!), G1_DOUBLE);
  assert.equal(bytesToHex(bn254Mul.run(concatBytes(G1, word(N + 2n)), Fork.Osaka)!), G1_DOUBLE);
  assert.deepEqual(bn254Mul.run(concatBytes(G1, word(N)), Fork.Osaka), new Uint8Array(64));
  assert.deepEqual(bn254Mul.run(concatBytes(G1, word(0n)), Fork.Osaka), new Uint8Array(64));
  assert.deepEqual(bn254Mul.run(concatBytes(G1, word(1n)), Fork.Osaka), G1);
  assert.deepEqual(bn254Mul.run(concatBytes(G1, word((1n << 256n) - 1n)), Fork.Osaka)!.length, 64);
  assert.equal(bn254Mul.run(concatBytes(word(1n), word(3n), word(2n)), Fork.Osaka), null);
  assert.equal(bn254Mul.gas(G1, Fork.Byzantium), 40000n);
  assert.equal(bn254Mul.gas(G1, Fork.Istanbul), 6000n);
});

test('pairing: e(G1, G2)·e(-G1, G2) = 1, e(G1, G2)^2 != 1, empty input is 1', () => {
  const one = word(1n);
  const zero = word(0n);
  assert.deepEqual(bn254Pairing.run(new Uint8Array(0), Fork.Osaka), one);
  assert.deepEqual(bn254Pairing.run(concatBytes(G1, G2, NEG_G1, G2), Fork.Osaka), one);
  assert.deepEqual(bn254Pairing.run(concatBytes(G1, G2, G1, G2), Fork.Osaka), zero);
  assert.deepEqual(bn254Pairing.run(concatBytes(G1, G2), Fork.Osaka), zero);
  // A pair with a point at infinity contributes one.
  assert.deepEqual(bn254Pairing.run(concatBytes(new Uint8Array(64), G2), Fork.Osaka), one);
  assert.deepEqual(bn254Pairing.run(concatBytes(G1, new Uint8Array(128)), Fork.Osaka), one);
});

test('pairing fails on a bad length, a bad G1 point, a G2 point off the twist or outside the subgroup', () => {
  assert.equal(bn254Pairing.run(concatBytes(G1, G2).subarray(1), Fork.Osaka), null);
  assert.equal(bn254Pairing.run(concatBytes(word(1n), word(3n), G2), Fork.Osaka), null);
  const offTwist = G2.slice();
  offTwist[127] ^= 1;
  assert.equal(bn254Pairing.run(concatBytes(G1, offTwist), Fork.Osaka), null);
  // A point on the twist but not in the order-n subgroup: lift some x to the curve.
  const Fp2 = bn254.fields.Fp2;
  const b = bn254.G2.Point.CURVE().b;
  for (let i = 1n; ; i++) {
    const x = Fp2.fromBigTuple([i, 1n]);
    let y;
    try {
      y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue;
    }
    const point = bn254.G2.Point.fromAffine({ x, y });
    if (point.isTorsionFree()) continue;
    assert.equal(bn254Pairing.run(concatBytes(G1, g2Bytes(point)), Fork.Osaka), null);
    break;
  }
});

test('pairing gas: 100000 + 80000k, then 45000 + 34000k (EIP-1108)', () => {
  const two = new Uint8Array(384);
  assert.equal(bn254Pairing.gas(new Uint8Array(0), Fork.Byzantium), 100000n);
  assert.equal(bn254Pairing.gas(two, Fork.Byzantium), 260000n);
  assert.equal(bn254Pairing.gas(two, Fork.Istanbul), 113000n);
});
