import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { blake2bCompress, blake2f, blake2fRounds } from './blake2f.js';

/** The EIP-152 input for BLAKE2b-512("abc"): h = IV ^ parameter block, one final block. */
function abcInput(rounds: number, final = 1): Uint8Array {
  return hexToBytes(
    '0x' +
      rounds.toString(16).padStart(8, '0') +
      '48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b' +
      '6162630000000000000000000000000000000000000000000000000000000000' +
      '0'.repeat(192) +
      '0300000000000000' +
      '0000000000000000' +
      final.toString(16).padStart(2, '0'),
  );
}

test('12 rounds of F on "abc" give the RFC 7693 BLAKE2b-512 digest (EIP-152 vector 5)', () => {
  const out = blake2f(abcInput(12));
  assert.equal(
    bytesToHex(out!),
    '0xba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
  );
});

test('F matches @noble/hashes blake2b over a multi-block message', () => {
  // Drive blake2bCompress block by block as BLAKE2b does, and compare with a full implementation.
  const message = new Uint8Array(300).map((_, i) => (i * 7 + 3) & 0xff);
  const h = new Uint32Array([
    0xf3bcc908 ^ 0x01010040, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
    0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
  ]);
  for (let off = 0; off < message.length; off += 128) {
    const block = new Uint8Array(128);
    block.set(message.subarray(off, off + 128));
    const m = new Uint32Array(block.buffer);
    const end = Math.min(off + 128, message.length);
    blake2bCompress(12, h, m, new Uint32Array([end, 0, 0, 0]), end === message.length);
  }
  assert.deepEqual(new Uint8Array(h.buffer), blake2b(message));
});

test('zero rounds only mixes in the state (EIP-152 vector 4) and f=0 differs from f=1', () => {
  const zero = blake2f(abcInput(0));
  assert.equal(zero!.length, 64);
  assert.notDeepEqual(blake2f(abcInput(12, 0)), blake2f(abcInput(12, 1)));
});

test('bad lengths and final flags fail; gas reads the round count', () => {
  const ok = abcInput(12);
  assert.equal(blake2f(ok.subarray(0, 212)), null);
  assert.equal(blake2f(new Uint8Array([...ok, 0])), null);
  assert.equal(blake2f(abcInput(12, 2)), null);
  assert.equal(blake2fRounds(abcInput(0xffffffff)), 0xffffffff);
  assert.equal(blake2fRounds(new Uint8Array(2)), 0);
});
