import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../primitives/fork.js';
import { asm } from './asm.js';
import { CONTRACT, INTRINSIC, call, stateWith } from './testing.js';

const MAX = (1n << 256n) - 1n;

/** Runs `items` followed by a store of the top of the stack into slot 0, returns the stored value. */
function evaluate(items: (string | number | bigint)[], fork = Fork.Cancun): bigint {
  const state = stateWith(asm(...items, 0, 'SSTORE'));
  const r = call(state, { fork });
  assert.equal(r.status, 1, 'execution failed');
  return state.getStorage(CONTRACT, 0n);
}

/** Execution gas (without the 21000 intrinsic) of running `code`; no refunds involved. */
function gasOf(code: Uint8Array, fork = Fork.Cancun): bigint {
  const r = call(stateWith(code), { fork });
  assert.equal(r.status, 1, 'execution failed');
  return r.gasUsed - INTRINSIC;
}

test('arithmetic wraps modulo 2^256', () => {
  assert.equal(evaluate([1, MAX, 'ADD']), 0n);
  assert.equal(evaluate([1, 0, 'SUB']), MAX); // 0 - 1
  assert.equal(evaluate([MAX, MAX, 'MUL']), 1n);
  assert.equal(evaluate([0, 7, 'DIV']), 0n); // 7 / 0
  assert.equal(evaluate([0, 7, 'MOD']), 0n);
  assert.equal(evaluate([3, 2, MAX, 'ADDMOD']), 2n); // (2^256 + 1) % 3, not wrapped first
  assert.equal(evaluate([12, MAX, MAX, 'MULMOD']), (MAX * MAX) % 12n);
});

test('signed arithmetic: SDIV overflow, SMOD sign, SIGNEXTEND', () => {
  const minInt = 1n << 255n;
  assert.equal(evaluate([MAX, minInt, 'SDIV']), minInt); // -2^255 / -1 wraps
  assert.equal(evaluate([3, MAX - 7n, 'SMOD']), MAX - 1n); // -8 % 3 = -2
  assert.equal(evaluate([MAX - 1n, 9, 'SDIV']), MAX - 3n); // 9 / -2 = -4 (truncated)
  assert.equal(evaluate([0xff, 0, 'SIGNEXTEND']), MAX);
  assert.equal(evaluate([0x7f, 0, 'SIGNEXTEND']), 0x7fn);
  assert.equal(evaluate([0x12345, 40, 'SIGNEXTEND']), 0x12345n); // byte index >= 31: unchanged
  assert.equal(evaluate([MAX, 1, 'SLT']), 0n); // 1 < -1 is false
  assert.equal(evaluate([1, MAX, 'SLT']), 1n); // -1 < 1
});

test('bitwise and shifts', () => {
  assert.equal(evaluate([0x1234, 31, 'BYTE']), 0x34n);
  assert.equal(evaluate([0x1234, 32, 'BYTE']), 0n);
  assert.equal(evaluate([MAX, 1, 'SHL']), MAX - 1n);
  assert.equal(evaluate([1, 256, 'SHL']), 0n);
  assert.equal(evaluate([MAX - 15n, 4, 'SAR']), MAX); // -16 >> 4 = -1
  assert.equal(evaluate([MAX, 300, 'SAR']), MAX);
  assert.equal(evaluate([1n << 255n, 255, 'SHR']), 1n);
  assert.equal(evaluate([1, 'CLZ'], Fork.Osaka), 255n);
  assert.equal(evaluate([0, 'CLZ'], Fork.Osaka), 256n);
});

test('EXP: value, and 10 + 50 gas per exponent byte from SpuriousDragon', () => {
  assert.equal(evaluate([255, 2, 'EXP']), 1n << 255n);
  assert.equal(evaluate([256, 2, 'EXP']), 0n);
  assert.equal(evaluate([3, 7, 'EXP']), 343n);
  // PUSH2 0x0100, PUSH1 2, EXP (10 + 2 bytes * 50), POP
  assert.equal(gasOf(asm(256, 2, 'EXP', 'POP')), 3n + 3n + 110n + 2n);
  assert.equal(gasOf(asm(256, 2, 'EXP', 'POP'), Fork.Byzantium), 3n + 3n + 110n + 2n);
});

test('static gas and memory expansion (3 per word + words^2/512)', () => {
  assert.equal(gasOf(asm(1, 2, 'ADD', 'POP')), 11n);
  assert.equal(gasOf(asm(1, 0, 'MSTORE')), 3n + 3n + 3n + 3n);
  // MSTORE at 1000 touches 33 words: 99 + floor(33 * 33 / 512) = 101.
  assert.equal(gasOf(asm(1, 1000, 'MSTORE')), 9n + 101n);
  // Memory grows once: a second store into the same words pays nothing more.
  assert.equal(gasOf(asm(1, 1000, 'MSTORE', 1, 990, 'MSTORE')), 9n + 101n + 9n);
  // KECCAK256 of 64 bytes: 30 + 6 * 2 + memory for 2 words.
  assert.equal(gasOf(asm(64, 0, 'KECCAK256', 'POP')), 3n + 3n + 30n + 12n + 6n + 2n);
  // MSIZE after touching byte 33 is 64.
  assert.equal(evaluate([1, 33, 'MSTORE8', 'MSIZE']), 64n);
});

test('EIP-2929 warm and cold account and slot access (Berlin+), flat prices before', () => {
  assert.equal(gasOf(asm(0, 'SLOAD', 'POP', 0, 'SLOAD', 'POP')), 3n + 2100n + 2n + 3n + 100n + 2n);
  assert.equal(gasOf(asm(0, 'SLOAD', 'POP'), Fork.Istanbul), 3n + 800n + 2n);
  assert.equal(gasOf(asm(0, 'SLOAD', 'POP'), Fork.Byzantium), 3n + 200n + 2n);
  const other = 0xabcdefn;
  assert.equal(gasOf(asm(other, 'BALANCE', 'POP', other, 'BALANCE', 'POP')), 3n + 2600n + 2n + 3n + 100n + 2n);
  // Precompiles are warm from the start.
  assert.equal(gasOf(asm(1, 'BALANCE', 'POP')), 3n + 100n + 2n);
  assert.equal(gasOf(asm(other, 'BALANCE', 'POP'), Fork.Istanbul), 3n + 700n + 2n);
});

test('a PUSH truncated by the end of code runs (reading zeros) and hides what follows from jumps', () => {
  assert.equal(call(stateWith(Uint8Array.of(0x61, 0x01))).status, 1);
  // PUSH1 4, JUMP, then PUSH2 whose (missing) data covers offset 4: no jump destination there.
  const r = call(stateWith(Uint8Array.of(0x60, 0x04, 0x56, 0x61, 0x5b)), { gasLimit: 50_000n });
  assert.equal(r.status, 0);
});

test('exceptional halts consume all gas: bad jump, stack underflow, invalid opcode', () => {
  for (const code of [asm(5, 'JUMP', 'JUMPDEST'), asm('ADD'), Uint8Array.of(0xfe), Uint8Array.of(0x0c)]) {
    const r = call(stateWith(code), { gasLimit: 100_000n });
    assert.equal(r.status, 0);
    assert.equal(r.gasUsed, 100_000n);
  }
  // A JUMPDEST inside PUSH data is no destination.
  const r = call(stateWith(Uint8Array.of(0x60, 0x03, 0x56, 0x60, 0x5b)), { gasLimit: 50_000n });
  assert.equal(r.status, 0);
  // A real one is.
  assert.equal(call(stateWith(asm(3, 'JUMP', 'JUMPDEST'))).status, 1);
});

test('opcodes of later forks are invalid before them', () => {
  assert.equal(call(stateWith(asm(1, 1, 'SHL', 'POP')), { fork: Fork.Byzantium, gasLimit: 60_000n }).status, 0);
  assert.equal(call(stateWith(asm(1, 1, 'SHL', 'POP')), { fork: Fork.Constantinople }).status, 1);
  assert.equal(call(stateWith(Uint8Array.of(0x5f)), { fork: Fork.Paris, gasLimit: 60_000n }).status, 0);
  assert.equal(call(stateWith(Uint8Array.of(0x5f)), { fork: Fork.Shanghai }).status, 1);
  assert.equal(call(stateWith(asm(1, 'CLZ')), { fork: Fork.Prague, gasLimit: 60_000n }).status, 0);
});

test('environment and block values', () => {
  assert.equal(evaluate(['CALLER']), 0x1000000000000000000000000000000000000001n);
  assert.equal(evaluate(['ADDRESS']), CONTRACT);
  assert.equal(evaluate(['NUMBER']), 1n);
  assert.equal(evaluate(['CHAINID']), 1n);
  assert.equal(evaluate(['BASEFEE']), 7n);
  assert.equal(evaluate(['PREVRANDAO']), 0x1234n);
  assert.equal(evaluate(['PREVRANDAO'], Fork.London), 0x20000n); // DIFFICULTY before Paris
  assert.equal(evaluate([0, 'BLOCKHASH']), 0xb10c0000n);
  assert.equal(evaluate([1, 'BLOCKHASH']), 0n); // the current block
  assert.equal(evaluate(['CODESIZE']), 4n); // CODESIZE PUSH1 0 SSTORE
  assert.equal(evaluate(['PC']), 0n);
});

test('CALLDATALOAD pads with zeros; CALLDATACOPY copies', () => {
  const state = stateWith(asm(1, 'CALLDATALOAD', 0, 'SSTORE', 2, 1, 0, 'CALLDATACOPY', 0, 'MLOAD', 1, 'SSTORE'));
  call(state, { data: Uint8Array.of(0xaa, 0xbb, 0xcc) });
  assert.equal(state.getStorage(CONTRACT, 0n), 0xbbccn << 240n);
  assert.equal(state.getStorage(CONTRACT, 1n), 0xbbccn << 240n);
});

test('transient storage (EIP-1153) does not outlive the transaction', () => {
  const state = stateWith(asm(0, 'TLOAD', 0, 'SSTORE', 42, 0, 'TSTORE', 0, 'TLOAD', 1, 'SSTORE'));
  call(state);
  assert.equal(state.getStorage(CONTRACT, 0n), 0n);
  assert.equal(state.getStorage(CONTRACT, 1n), 42n);
  call(state);
  assert.equal(state.getStorage(CONTRACT, 0n), 0n);
});

test('LOG: topics and data recorded; none on failure', () => {
  const code = asm(0xbeef, 0, 'MSTORE', 7, 6, 32, 0, 'LOG2');
  const r = call(stateWith(code));
  assert.equal(r.logs.length, 1);
  assert.deepEqual(r.logs[0].topics.map((t) => t[31]), [6, 7]);
  assert.equal(r.logs[0].data.length, 32);
  assert.equal(r.logs[0].address, CONTRACT);
  const failing = call(stateWith(asm(0, 0, 'LOG0', 'INVALID')), { gasLimit: 60_000n });
  assert.equal(failing.status, 0);
  assert.equal(failing.logs.length, 0);
});

test('LOG: each topic is its 32-byte word, the data a copy that later writes to memory do not change', () => {
  const big = (1n << 255n) | 0xabcdefn;
  // LOG3 of memory [0, 40), then overwrite that memory and log again.
  const code = asm(0x1122, 8, 'MSTORE', big, 0x0102, 0xffffffffffffffffffffn, 40, 0, 'LOG3', 0x99, 0, 'MSTORE', 0, 0, 'LOG0');
  const r = call(stateWith(code));
  assert.equal(r.status, 1);
  const [log, empty] = r.logs;
  const word = (t: Uint8Array) => BigInt('0x' + Buffer.from(t).toString('hex'));
  assert.deepEqual(log.topics.map((t) => t.length), [32, 32, 32]);
  assert.deepEqual(log.topics.map(word), [0xffffffffffffffffffffn, 0x0102n, big]);
  assert.equal(log.data.length, 40);
  // Bytes 8..40 hold the word 0x1122; the later MSTORE of 0x99 at 0 (byte 31) must not show.
  assert.equal(word(log.data), 0x1122n);
  assert.equal(empty.topics.length, 0);
  assert.equal(empty.data.length, 0);
});

test('MLOAD/MSTORE/MSTORE8 at an offset of 2^31 or more run out of gas', () => {
  for (const op of ['MLOAD', 'MSTORE8', 'MSTORE']) {
    const items = op === 'MLOAD' ? [0x80000000n, op] : [1, 0x80000000n, op];
    const r = call(stateWith(asm(...items)), { gasLimit: 100_000n });
    assert.equal(r.status, 0, op);
    assert.equal(r.gasUsed, 100_000n, op);
  }
  assert.equal(evaluate([0x2a, 31, 'MSTORE8', 0, 'MLOAD']), 0x2an);
  assert.equal(evaluate([7, 1000, 'MSTORE', 1000, 'MLOAD']), 7n);
});

test('stack bounds: underflow at every opcode arity, overflow at 1024', () => {
  // DUP16 needs 16 items.
  assert.equal(call(stateWith(asm(...new Array<number>(15).fill(1), 'DUP16')), { gasLimit: 60_000n }).status, 0);
  assert.equal(call(stateWith(asm(...new Array<number>(16).fill(1), 'DUP16'))).status, 1);
  // 1024 pushes fit; the 1025th overflows.
  const pushes = (n: number) => Uint8Array.from(new Array<number>(n).fill(0x5f)); // PUSH0
  assert.equal(call(stateWith(pushes(1024)), { gasLimit: 100_000n }).status, 1);
  assert.equal(call(stateWith(pushes(1025)), { gasLimit: 100_000n }).status, 0);
});
