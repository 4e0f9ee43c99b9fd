import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from './hex.js';
import { KECCAK_EMPTY, KECCAK_RLP_EMPTY_LIST, keccak256, keccak256Hex, keccak256Word } from './keccak.js';
import { MAX_BLOCKS, RATE } from './keccak-wasm.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('known vectors', () => {
  assert.equal(bytesToHex(KECCAK_EMPTY), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.equal(bytesToHex(KECCAK_RLP_EMPTY_LIST), '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347');
  assert.equal(keccak256Hex(ascii('abc')), '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
});

/** Deterministic bytes (no Math.random in tests). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

test('agrees with @noble/hashes around every block and chunk boundary', () => {
  const chunk = MAX_BLOCKS * RATE;
  const sizes = [1, 31, 32, 33, 64, RATE - 2, RATE - 1, RATE, RATE + 1, 2 * RATE - 1, 2 * RATE, 1000, chunk - 1, chunk, chunk + 1, 2 * chunk + 5];
  for (const n of sizes) {
    const data = bytes(n, n);
    assert.equal(bytesToHex(keccak256(data)), bytesToHex(keccak_256(data)), `${n} bytes`);
  }
});

test('keccak256Word hashes a range to the digest as a big-endian word', () => {
  const data = bytes(700, 7);
  for (const [start, length] of [[0, 0], [0, 64], [5, 64], [100, 136], [3, 600], [699, 1]]) {
    const expected = BigInt(bytesToHex(keccak_256(data.subarray(start, start + length))));
    assert.equal(keccak256Word(data, start, length), expected, `[${start}, +${length})`);
  }
  assert.equal(keccak256Word(data), BigInt(bytesToHex(keccak_256(data))));
});

test('a digest is a fresh array each time', () => {
  const a = keccak256(ascii('a'));
  const b = keccak256(ascii('b'));
  assert.notEqual(bytesToHex(a), bytesToHex(b));
  assert.equal(bytesToHex(a), bytesToHex(keccak_256(ascii('a'))));
});
