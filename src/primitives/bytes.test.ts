import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bigIntToBytes, bigIntToMinimalBytes, bytesToBigInt } from './bytes.js';
import { bytesToHex, hexToBigInt, hexToBytes, addressToHex, hexToAddress } from './hex.js';
import { keccak256Hex, KECCAK_EMPTY } from './keccak.js';

test('bigint <-> bytes round-trips at every length', () => {
  for (const v of [0n, 1n, 255n, 256n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 255n + 12345n, 2n ** 256n - 1n]) {
    const b = bigIntToBytes(v, 32);
    assert.equal(b.length, 32);
    assert.equal(bytesToBigInt(b), v);
    assert.equal(bytesToBigInt(bigIntToMinimalBytes(v)), v);
  }
  assert.equal(bigIntToMinimalBytes(0n).length, 0);
  assert.equal(bytesToHex(bigIntToBytes(0x0102n, 4)), '0x00000102');
});

test('hex parsing is strict and says what was wrong', () => {
  assert.equal(bytesToHex(hexToBytes('0xABcd')), '0xabcd');
  assert.equal(bytesToHex(hexToBytes('0x1')), '0x01');
  assert.equal(hexToBigInt('0x'), 0n);
  assert.throws(() => hexToBytes('0xzz'), /invalid hex character 'z'/);
  assert.throws(() => hexToAddress('0x1234'), /20 bytes/);
  assert.equal(addressToHex(0xabn), '0x00000000000000000000000000000000000000ab');
});

test('keccak256 matches known digests (cross-checked with @noble/hashes)', () => {
  assert.equal(bytesToHex(KECCAK_EMPTY), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.equal(keccak256Hex(new TextEncoder().encode('abc')), '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
});
