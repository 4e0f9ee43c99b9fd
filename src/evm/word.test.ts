import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STACK_MAX, STACK_MIN, STACK_RANGE } from './opcodes.js';
import { bytesToWord, readWord, viewOf, wordToBytes, writeWord } from './word.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Words at every size class the read/write fast paths distinguish. */
function samples(): bigint[] {
  const out = [0n, 1n, 0xffn];
  for (const bits of [31, 32, 52, 53, 54, 63, 64, 65, 127, 128, 129, 159, 160, 161, 191, 192, 193, 255, 256]) {
    out.push((1n << BigInt(bits)) - 1n, 1n << BigInt(bits - 1), ((1n << BigInt(bits)) - 1n) / 3n);
  }
  return out;
}

test('writeWord and readWord round-trip every size class, big-endian, touching only their 32 bytes', () => {
  const buf = new Uint8Array(96);
  const view = viewOf(buf);
  for (const x of samples()) {
    buf.fill(0xee);
    writeWord(view, 32, x);
    assert.equal(hex(buf.subarray(32, 64)), x.toString(16).padStart(64, '0'), x.toString(16));
    assert.equal(buf[31], 0xee);
    assert.equal(buf[64], 0xee);
    assert.equal(readWord(view, 32), x, x.toString(16));
    assert.equal(bytesToWord(wordToBytes(x)), x);
  }
});

test('the packed stack range check agrees with STACK_MIN and STACK_MAX', () => {
  for (let op = 0; op < 256; op++) {
    const range = STACK_RANGE[op];
    for (let sp = 0; sp <= 1024; sp++) {
      const packed = (sp - (range & 0xffff)) >>> 0 <= range >>> 16;
      assert.equal(packed, sp >= STACK_MIN[op] && sp <= STACK_MAX[op], `op ${op} sp ${sp}`);
    }
  }
});
