import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../primitives/fork.js';
import { keccak256 } from '../primitives/keccak.js';
import { analyze } from './analysis.js';
import { forkRules, memoryCost } from './gas.js';
import { Op } from './opcodes.js';
import { instructionTable } from './table.js';
import { readWord, viewOf, wordToBytes, writeWord } from './word.js';

test('memory cost: 3 per word + words^2 / 512', () => {
  assert.equal(memoryCost(0), 0);
  assert.equal(memoryCost(1), 3);
  assert.equal(memoryCost(32), 98);
  assert.equal(memoryCost(1024), 3072 + 2048);
});

test('static gas per fork (EIP-150, EIP-1884, EIP-2929)', () => {
  const sload = (f: Fork) => forkRules(f).staticGas[Op.SLOAD];
  assert.deepEqual([Fork.Frontier, Fork.TangerineWhistle, Fork.Istanbul, Fork.Berlin].map(sload), [50, 200, 800, 100]);
  const call = (f: Fork) => forkRules(f).staticGas[Op.CALL];
  assert.deepEqual([Fork.Homestead, Fork.TangerineWhistle, Fork.Berlin].map(call), [40, 700, 100]);
  assert.equal(forkRules(Fork.Frontier).staticGas[Op.SELFDESTRUCT], 0);
  assert.equal(forkRules(Fork.Osaka).staticGas[Op.CLZ], 5);
  assert.equal(forkRules(Fork.Prague).defined[Op.CLZ], 0);
  assert.equal(forkRules(Fork.Osaka).defined[Op.CLZ], 1);
  assert.equal(forkRules(Fork.Frontier).defined[Op.DELEGATECALL], 0);
  assert.equal(forkRules(Fork.Cancun).defined[Op.INVALID], 0);
});

test('one dispatch table per fork, built once', () => {
  assert.equal(instructionTable(Fork.Cancun), instructionTable(Fork.Cancun));
  assert.notEqual(instructionTable(Fork.London)[Op.PREVRANDAO], instructionTable(Fork.Paris)[Op.PREVRANDAO]);
});

test('code analysis: jump destinations outside PUSH data, immediates decoded, cached', () => {
  // PUSH2 0x5b5b, JUMPDEST, PUSH15 ..., PUSH32 ...
  const imm15 = Array.from({ length: 15 }, (_, i) => i + 0xe1);
  const imm32 = Array.from({ length: 32 }, (_, i) => 255 - i);
  const code = Uint8Array.of(0x61, 0x5b, 0x5b, 0x5b, 0x6e, ...imm15, 0x7f, ...imm32);
  const a = analyze(code);
  assert.deepEqual([...a.jumpdests.slice(0, 4)], [0, 0, 0, 1]);
  assert.equal(a.pushValues[0], 0x5b5bn);
  assert.equal(a.pushValues[4], BigInt('0x' + Buffer.from(imm15).toString('hex')));
  assert.equal(a.pushValues[20], BigInt('0x' + Buffer.from(imm32).toString('hex')));
  assert.equal(a.padded.length, code.length + 33);
  assert.equal(analyze(code), a);
});

test('code analysis is shared by hash between equal code in different arrays', () => {
  const code = new Uint8Array(100).fill(0x5b);
  const hash = keccak256(code);
  const a = analyze(code, hash);
  const copy = code.slice();
  assert.equal(analyze(copy, hash), a, 'the same analysis for a fresh array of the same code');
  assert.equal(analyze(copy), a, 'and then by identity');
  assert.notEqual(analyze(code.slice()), a, 'without a hash, a fresh array is analyzed anew');
  // Short code is not keyed by hash.
  const short = Uint8Array.of(0x5b, 0x00);
  assert.notEqual(analyze(short.slice(), keccak256(short)), analyze(short.slice(), keccak256(short)));
});

test('words to and from 32 bytes, small and large', () => {
  for (const v of [0n, 1n, 0x1fffffffffffffn, 0x20000000000000n, (1n << 256n) - 1n, 0xdeadbeefn << 200n]) {
    const bytes = wordToBytes(v);
    assert.equal(readWord(viewOf(bytes), 0), v);
    const buf = new Uint8Array(40).fill(0xff);
    writeWord(viewOf(buf), 4, v);
    assert.equal(readWord(viewOf(buf), 4), v);
  }
});
