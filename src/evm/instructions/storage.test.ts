import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../../primitives/fork.js';
import { asm } from '../asm.js';
import { CONTRACT, INTRINSIC, call, stateWith } from '../testing.js';

/** [values written to slot 0 in order, original value, execution gas, refund counter] */
type Row = [number[], number, number, number];

/** Code writing each value to slot 0 in turn. */
function writes(values: number[]): Uint8Array {
  return asm(...values.flatMap((v) => [v, 0, 'SSTORE']));
}

function check(fork: Fork, quotient: bigint, rows: Row[]): void {
  for (const [values, original, used, refund] of rows) {
    const state = stateWith(writes(values), original === 0 ? [] : [[0n, BigInt(original)]]);
    const r = call(state, { fork });
    assert.equal(r.status, 1);
    const total = INTRINSIC + BigInt(used);
    const expected = total - minBig(BigInt(refund), total / quotient);
    assert.equal(r.gasUsed, expected, `${Fork[fork]} original ${original}, writes ${values.join(',')}`);
    assert.equal(state.getStorage(CONTRACT, 0n), BigInt(values[values.length - 1]));
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

test('SSTORE before net metering (Frontier rules, also Petersburg)', () => {
  const rows: Row[] = [
    [[0, 0], 0, 10012, 0],
    [[1, 0], 0, 25012, 15000],
    [[0, 1], 1, 25012, 15000],
    [[1, 1], 1, 10012, 0],
  ];
  check(Fork.Byzantium, 2n, rows);
  check(Fork.Petersburg, 2n, rows);
});

test('SSTORE net metering, EIP-1283 (Constantinople) test cases', () => {
  check(Fork.Constantinople, 2n, [
    [[0, 0], 0, 412, 0],
    [[0, 1], 0, 20212, 0],
    [[1, 0], 0, 20212, 19800],
    [[1, 2], 0, 20212, 0],
    [[1, 1], 0, 20212, 0],
    [[0, 0], 1, 5212, 15000],
    [[0, 1], 1, 5212, 4800],
    [[0, 2], 1, 5212, 0],
    [[2, 0], 1, 5212, 15000],
    [[2, 3], 1, 5212, 0],
    [[2, 1], 1, 5212, 4800],
    [[2, 2], 1, 5212, 0],
    [[1, 0], 1, 5212, 15000],
    [[1, 2], 1, 5212, 0],
    [[1, 1], 1, 412, 0],
    [[1, 0, 1], 0, 40218, 19800],
    [[0, 1, 0], 1, 10218, 19800],
  ]);
});

test('SSTORE net metering, EIP-2200 (Istanbul) test cases', () => {
  check(Fork.Istanbul, 2n, [
    [[0, 0], 0, 1612, 0],
    [[0, 1], 0, 20812, 0],
    [[1, 0], 0, 20812, 19200],
    [[1, 2], 0, 20812, 0],
    [[1, 1], 0, 20812, 0],
    [[0, 0], 1, 5812, 15000],
    [[0, 1], 1, 5812, 4200],
    [[0, 2], 1, 5812, 0],
    [[2, 0], 1, 5812, 15000],
    [[2, 3], 1, 5812, 0],
    [[2, 1], 1, 5812, 4200],
    [[2, 2], 1, 5812, 0],
    [[1, 0], 1, 5812, 15000],
    [[1, 2], 1, 5812, 0],
    [[1, 1], 1, 1612, 0],
    [[1, 0, 1], 0, 40818, 19200],
    [[0, 1, 0], 1, 10818, 19200],
  ]);
});

test('SSTORE with cold slots (EIP-2929, Berlin) and reduced refunds (EIP-3529, London)', () => {
  check(Fork.Berlin, 2n, [
    [[0, 0], 0, 2312, 0],
    [[1, 0], 0, 22212, 19900],
    [[0, 0], 1, 5112, 15000],
    [[0, 1], 1, 5112, 2800],
    [[1, 1], 1, 2312, 0],
  ]);
  check(Fork.London, 5n, [
    [[0, 0], 0, 2312, 0],
    [[1, 0], 0, 22212, 19900],
    [[0, 0], 1, 5112, 4800],
    [[0, 1], 1, 5112, 2800],
    [[1, 1], 1, 2312, 0],
  ]);
});

test('SSTORE fails with 2300 gas or less left (EIP-2200), not before Istanbul', () => {
  const code = writes([0]); // a no-op store: 800 gas in Istanbul
  const failing = call(stateWith(code), { fork: Fork.Istanbul, gasLimit: INTRINSIC + 3n + 3n + 2300n });
  assert.equal(failing.status, 0);
  const passing = call(stateWith(code), { fork: Fork.Istanbul, gasLimit: INTRINSIC + 3n + 3n + 2301n });
  assert.equal(passing.status, 1);
});

test('SLOAD sees the transaction\'s own writes', () => {
  const state = stateWith(asm(5, 0, 'SSTORE', 0, 'SLOAD', 1, 'SSTORE'), [[0n, 9n]]);
  call(state);
  assert.equal(state.getStorage(CONTRACT, 1n), 5n);
});
