import { test } from 'node:test';
import assert from 'node:assert/strict';
import { p256 } from '@noble/curves/nist.js';
import { bytesToBigInt } from '../primitives/bytes.js';
import { p256Verify } from './p256.js';

const N = p256.Point.Fn.ORDER;
const P = p256.Point.Fp.ORDER;

function signed(seed: number) {
  const secretKey = new Uint8Array(32).fill(seed);
  const hash = new Uint8Array(32).fill(seed + 1);
  const sig = p256.sign(hash, secretKey, { prehash: false, format: 'compact' });
  const pub = p256.getPublicKey(secretKey, false);
  return {
    h: bytesToBigInt(hash),
    r: bytesToBigInt(sig, 0, 32),
    s: bytesToBigInt(sig, 32, 64),
    qx: bytesToBigInt(pub, 1, 33),
    qy: bytesToBigInt(pub, 33, 65),
  };
}

test('signatures from noble verify, in both low-s and high-s form (EIP-7951 has no low-s rule)', () => {
  for (const seed of [1, 2, 3]) {
    const { h, r, s, qx, qy } = signed(seed);
    assert.equal(p256Verify(h, r, s, qx, qy), true);
    assert.equal(p256Verify(h, r, N - s, qx, qy), true);
    assert.equal(p256Verify(h ^ 1n, r, s, qx, qy), false);
  }
});

test('out-of-range r, s and public keys are rejected', () => {
  const { h, r, s, qx, qy } = signed(4);
  assert.equal(p256Verify(h, 0n, s, qx, qy), false);
  assert.equal(p256Verify(h, N, s, qx, qy), false);
  assert.equal(p256Verify(h, r, 0n, qx, qy), false);
  assert.equal(p256Verify(h, r, N + s, qx, qy), false);
  assert.equal(p256Verify(h, r, s, qx + P, qy), false);
  assert.equal(p256Verify(h, r, s, 0n, 0n), false);
  assert.equal(p256Verify(h, r, s, qx, qy + 1n), false); // off the curve
});
