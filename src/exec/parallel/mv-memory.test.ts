import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryState } from '../../state/memory-state.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import { allocateMV, COIN, F_WRITE, FEE, FEE_END, MVMemory, PRESTATE, ReadSetBuilder, WORDS_STORAGE } from './mv-memory.js';
import { LocationTable } from './table.js';
import { DependencyAbort } from './types.js';
import { readU256, writeU256 } from './words.js';

const A = 0xaaaan;
const B = 0xbbbbn;

function setup(): { table: LocationTable; mv: MVMemory; s: KeyScratch } {
  const state = new MemoryState();
  state.setAccount(A, { nonce: 3n, balance: 100n });
  state.setStorage(A, 1n, 11n);
  const table = LocationTable.fromState(state, 1024);
  const sched = new Int32Array(new SharedArrayBuffer(64));
  const mv = new MVMemory(allocateMV({ locations: 256, entryWords: 1 << 16, readWords: 1 << 16, writeWords: 1 << 16, codeBytes: 1024, txs: 16 }), table, sched, 7);
  mv.resetBlock();
  mv.resetSets(16);
  return { table, mv, s: new KeyScratch() };
}

function writeSlot(mv: MVMemory, loc: number, tx: number, inc: number, value: bigint): number {
  const e = mv.allocEntry(WORDS_STORAGE);
  mv.setHeader(e, tx, inc, F_WRITE);
  writeU256(mv.w64, e + 2, value);
  mv.publish(loc, e, tx);
  return e;
}

test('a read resolves to the highest lower writer, or the pre-state', () => {
  const { table, mv, s } = setup();
  s.setStorage(A, 1n);
  const loc = table.locate(s);
  assert.equal(table.locate(s), loc, 'one slot per key');
  writeSlot(mv, loc, 2, 0, 22n);
  writeSlot(mv, loc, 5, 0, 55n);
  const rs = new ReadSetBuilder();
  assert.equal(mv.resolve(loc, 1, rs), PRESTATE);
  assert.equal(table.storage(loc, 0), 11n);
  const e4 = mv.resolve(loc, 4, rs);
  assert.equal(mv.entryTx(e4), 2);
  assert.equal(readU256(mv.w64, mv.i32, e4 + 2), 22n);
  assert.equal(mv.entryTx(mv.resolve(loc, 9, rs)), 5);
  assert.deepEqual([...rs.words.subarray(0, rs.length)], [loc, PRESTATE, 0, loc, 2, 0, loc, 5, 0]);
});

test('validation fails when a lower transaction writes what was read, or its writer runs again (versions are compared, not values)', () => {
  const { table, mv, s } = setup();
  s.setStorage(A, 1n);
  const loc = table.locate(s);
  writeSlot(mv, loc, 2, 0, 22n);
  const rs = new ReadSetBuilder();
  mv.resolve(loc, 4, rs);
  mv.record(4, new Int32Array(0), 0, rs);
  assert.ok(mv.validate(4));
  writeSlot(mv, loc, 3, 0, 33n); // a new write between 2 and 4
  assert.ok(!mv.validate(4));
  // A new incarnation of tx 2 also invalidates a read of incarnation 0.
  const rs2 = new ReadSetBuilder();
  mv.resolve(loc, 3, rs2);
  mv.record(3, new Int32Array(0), 0, rs2);
  assert.ok(mv.validate(3));
  writeSlot(mv, loc, 2, 1, 22n);
  assert.ok(!mv.validate(3));
});

test('an ESTIMATE stops a reader at once, naming the transaction to wait for', () => {
  const { table, mv, s } = setup();
  s.setStorage(B, 9n);
  const loc = table.locate(s);
  writeSlot(mv, loc, 2, 0, 1n);
  const ws = Int32Array.of(loc);
  mv.record(2, ws, 1, new ReadSetBuilder());
  mv.convertWritesToEstimates(2);
  assert.throws(
    () => mv.resolve(loc, 5, new ReadSetBuilder()),
    (e: unknown) => e instanceof DependencyAbort && e.blocking === 2,
  );
  // Readers below are unaffected.
  assert.equal(mv.resolve(loc, 2, new ReadSetBuilder()), PRESTATE);
});

test('record drops the writes a new incarnation no longer makes and tells whether it wrote somewhere new', () => {
  const { table, mv, s } = setup();
  s.setStorage(B, 1n);
  const l1 = table.locate(s);
  s.setStorage(B, 2n);
  const l2 = table.locate(s);
  writeSlot(mv, l1, 3, 0, 1n);
  assert.ok(mv.record(3, Int32Array.of(l1), 1, new ReadSetBuilder()), 'first incarnation: new location');
  writeSlot(mv, l2, 3, 1, 2n);
  assert.ok(mv.record(3, Int32Array.of(l2), 1, new ReadSetBuilder()), 'l2 is new');
  assert.equal(mv.resolve(l1, 9, new ReadSetBuilder()), PRESTATE, 'the write to l1 is gone');
  writeSlot(mv, l2, 3, 2, 3n);
  assert.ok(!mv.record(3, Int32Array.of(l2), 1, new ReadSetBuilder()), 'same location again');
  assert.deepEqual([...mv.writeSet(3)], [l2]);
});

test('a coinbase read collects the lazy fees above its last explicit version, and validates them as a group', () => {
  const { table, mv, s } = setup();
  s.setAccount(KIND_ACCOUNT, A);
  const loc = table.locate(s);
  for (const tx of [1, 2, 4]) mv.setFee(tx, 0, BigInt(tx * 10));
  const rs = new ReadSetBuilder();
  assert.equal(mv.resolveCoinbase(loc, 5, rs), PRESTATE);
  assert.deepEqual(mv.feeTxs, [4, 2, 1]);
  assert.deepEqual(mv.feeAmounts, [40n, 20n, 10n]);
  assert.deepEqual([...rs.words.subarray(0, rs.length)], [loc, PRESTATE, COIN, FEE, 4, 0, FEE, 2, 0, FEE, 1, 0, FEE_END, 0, 0]);
  mv.record(5, new Int32Array(0), 0, rs);
  assert.ok(mv.validate(5));
  assert.ok(mv.setFee(3, 0, 7n), 'a fee where there was none is new');
  assert.ok(!mv.validate(5), 'a new fee inside the range');
  // An explicit write above the fees hides them from a reader above it.
  const e = mv.allocEntry(13);
  mv.setHeader(e, 4, 0, F_WRITE);
  mv.publish(loc, e, 4);
  const rs2 = new ReadSetBuilder();
  assert.equal(mv.entryTx(mv.resolveCoinbase(loc, 6, rs2)), 4);
  assert.deepEqual(mv.feeTxs, []);
  // An aborted incarnation's fee is an ESTIMATE: readers wait for it.
  mv.record(2, new Int32Array(0), 0, new ReadSetBuilder());
  mv.convertWritesToEstimates(2);
  assert.throws(() => mv.resolveCoinbase(loc, 3, new ReadSetBuilder()), (err: unknown) => err instanceof DependencyAbort && err.blocking === 2);
  assert.equal(mv.finalFee(1), 10n);
  mv.setFee(1, 1, undefined);
  assert.equal(mv.finalFee(1), undefined);
});

test('a new block starts with every version list empty', () => {
  const { table, mv, s } = setup();
  s.setStorage(A, 1n);
  const loc = table.locate(s);
  writeSlot(mv, loc, 0, 0, 5n);
  assert.equal(mv.listed(0), loc);
  assert.equal(mv.listed(1), -1, 'a hole of the chunk');
  mv.resetBlock();
  mv.begin();
  assert.equal(mv.locationCount(), 0);
  assert.equal(mv.resolve(loc, 9, new ReadSetBuilder()), PRESTATE);
});
