import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { BLS_MODULUS, decodeKzgPoint, kzgToVersionedHash, verifyKzgProof } from './kzg.js';

// An opening computed independently with micro-eth-signer's KZG and the
// ceremony's trusted setup: blob[i] = 7i + 1, evaluated at z = 12345.
const COMMITMENT = hexToBytes(
  '0xaacb53b998d36a3502f71cddc0c2f21406dc37c241f56ed9e7188bb66a190fe56711fe247767a50c783b0d22d3dfc9bd',
);
const PROOF = hexToBytes(
  '0xb62455c80ad074ba5b6a535b6a6f7a2147d9fca41aaff9467c37415e79e1265feb589059910c1f4c5aa0f2da27e6964b',
);
const Z = 12345n;
const Y = 0x16aa0b5794168bcd486bd6ba6e64dc5d65d0b6f7386adcbc4a6a1b634b348dc3n;
const INFINITY = hexToBytes('0xc0' + '00'.repeat(47));

test('a valid opening verifies; a wrong value, point or proof does not', () => {
  assert.equal(verifyKzgProof(COMMITMENT, Z, Y, PROOF), true);
  assert.equal(verifyKzgProof(COMMITMENT, Z, Y + 1n, PROOF), false);
  assert.equal(verifyKzgProof(COMMITMENT, Z + 1n, Y, PROOF), false);
  assert.equal(verifyKzgProof(COMMITMENT, Z, Y, COMMITMENT), false);
});

test('the zero polynomial (commitment and proof at infinity) opens to 0 anywhere', () => {
  assert.equal(verifyKzgProof(INFINITY, 0n, 0n, INFINITY), true);
  assert.equal(verifyKzgProof(INFINITY, 99n, 0n, INFINITY), true);
  assert.equal(verifyKzgProof(INFINITY, 99n, 1n, INFINITY), false);
});

test('field elements must be canonical (< BLS_MODULUS)', () => {
  assert.equal(verifyKzgProof(INFINITY, BLS_MODULUS, 0n, INFINITY), false);
  assert.equal(verifyKzgProof(INFINITY, 0n, BLS_MODULUS, INFINITY), false);
});

test('point encodings are checked: flags, canonical infinity, length, curve', () => {
  assert.notEqual(decodeKzgPoint(COMMITMENT), null);
  // Compression flag missing.
  const uncompressed = COMMITMENT.slice();
  uncompressed[0] &= 0x7f;
  assert.equal(decodeKzgPoint(uncompressed), null);
  // Infinity flag with a non-zero payload.
  const badInfinity = INFINITY.slice();
  badInfinity[47] = 1;
  assert.equal(decodeKzgPoint(badInfinity), null);
  assert.equal(decodeKzgPoint(COMMITMENT.subarray(0, 47)), null);
  // x = 1 has no point on the curve: 1 + 4 = 5 is not a square mod p.
  const noPoint = new Uint8Array(48);
  noPoint[0] = 0x80;
  noPoint[47] = 1;
  assert.equal(decodeKzgPoint(noPoint), null);
});

test('versioned hash is 0x01 || sha256(commitment)[1:]', () => {
  // sha256(0xc0 || 47 zero bytes) = 0x5f0657f3...; the version byte replaces its first byte.
  assert.equal(
    bytesToHex(kzgToVersionedHash(INFINITY)),
    '0x010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014',
  );
});
