import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rlpDecode, rlpEncode } from './rlp.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { RlpError } from '../errors.js';

const enc = (v: Parameters<typeof rlpEncode>[0]) => bytesToHex(rlpEncode(v));

test('encodes the Yellow Paper examples', () => {
  const dog = new TextEncoder().encode('dog');
  const cat = new TextEncoder().encode('cat');
  assert.equal(enc(dog), '0x83646f67');
  assert.equal(enc([cat, dog]), '0xc88363617483646f67');
  assert.equal(enc(new Uint8Array(0)), '0x80');
  assert.equal(enc([]), '0xc0');
  assert.equal(enc(0n), '0x80');
  assert.equal(enc(15), '0x0f');
  assert.equal(enc(1024n), '0x820400');
  assert.equal(enc([[], [[]], [[], [[]]]]), '0xc7c0c1c0c3c0c1c0');
});

test('encodes long strings and lists with a length of length', () => {
  const long = new Uint8Array(56).fill(0x61);
  const out = rlpEncode(long);
  assert.equal(out[0], 0xb8);
  assert.equal(out[1], 56);
  assert.equal(out.length, 58);
  const list = rlpEncode(Array.from({ length: 60 }, () => 1));
  assert.equal(list[0], 0xf8);
  assert.equal(list[1], 60);
});

test('round-trips nested values', () => {
  const value = [hexToBytes('0x01'), [hexToBytes('0xdeadbeef'), new Uint8Array(100)], new Uint8Array(0)];
  const decoded = rlpDecode(rlpEncode(value)) as unknown[];
  assert.equal(decoded.length, 3);
  assert.equal(bytesToHex(decoded[0] as Uint8Array), '0x01');
  assert.equal(((decoded[1] as unknown[])[1] as Uint8Array).length, 100);
});

test('rejects non-canonical and truncated input with a reason', () => {
  assert.throws(() => rlpDecode(hexToBytes('0x8100')), RlpError); // single byte < 0x80 as a string
  assert.throws(() => rlpDecode(hexToBytes('0xb80100')), /long form/); // length < 56 in long form
  assert.throws(() => rlpDecode(hexToBytes('0x83646f')), /past the end/);
  assert.throws(() => rlpDecode(hexToBytes('0x8080')), /trailing/);
  assert.throws(() => rlpDecode(hexToBytes('0xb9000100')), /leading zero/);
  assert.throws(() => rlpEncode(-1n), RlpError);
});
