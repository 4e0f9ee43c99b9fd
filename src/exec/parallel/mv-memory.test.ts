import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryState } from '../../state/memory-state.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import { resolveAccount, resolveSkippingDeltas } from './deltas.js';
import { allocateMV, COIN, DELTA, DELTAS, F_DELTA, F_WRITE, FEE, FEE_END, MVMemory, PRESTATE, ReadSetBuilder, SKIP, WORDS_STORAGE } from './mv-memory.js';
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

function credit(mv: MVMemory, loc: number, tx: number, inc: number, amount: bigint): void {
  const e = mv.allocEntry(WORDS_STORAGE);
  mv.setHeader(e, tx, inc, F_WRITE | F_DELTA);
  writeU256(mv.w64, e + 2, amount);
  mv.publish(loc, e, tx);
  mv.record(tx, Int32Array.of(loc), 1, new ReadSetBuilder());
}

function fullWrite(mv: MVMemory, loc: number, tx: number, inc: number): number {
  const e = mv.allocEntry(13);
  mv.setHeader(e, tx, inc, F_WRITE);
  mv.publish(loc, e, tx);
  mv.record(tx, Int32Array.of(loc), 1, new ReadSetBuilder());
  return e;
}

test('lazy credits: a full account read folds those below it as a group; a code-only read skips them', () => {
  const { table, mv, s } = setup();
  s.setAccount(KIND_ACCOUNT, B);
  const loc = table.locate(s);
  credit(mv, loc, 1, 0, 10n);
  credit(mv, loc, 3, 0, 30n);
  credit(mv, loc, 6, 0, 60n);
  const txs: number[] = [];
  const amounts: bigint[] = [];
  const rs = new ReadSetBuilder();
  assert.equal(resolveAccount(mv, loc, 5, rs, txs, amounts), PRESTATE);
  assert.deepEqual(txs, [3, 1]);
  assert.deepEqual(amounts, [30n, 10n]);
  assert.deepEqual([...rs.words.subarray(0, rs.length)], [loc, PRESTATE, DELTAS, DELTA, 3, 0, DELTA, 1, 0, FEE_END, 0, 0]);
  mv.record(5, new Int32Array(0), 0, rs);
  assert.ok(mv.validate(5));
  // Below every credit: a plain pre-state read.
  const rs0 = new ReadSetBuilder();
  assert.equal(resolveAccount(mv, loc, 1, rs0, txs, amounts), PRESTATE);
  assert.deepEqual([...rs0.words.subarray(0, rs0.length)], [loc, PRESTATE, 0]);
  // The code-only read of tx 7: no full version anywhere, no walk.
  const rs7 = new ReadSetBuilder();
  assert.equal(resolveSkippingDeltas(mv, loc, 7, rs7), PRESTATE);
  assert.deepEqual([...rs7.words.subarray(0, rs7.length)], [loc, PRESTATE, SKIP]);
  mv.record(7, Int32Array.of(loc), 1, rs7);
  assert.ok(mv.validate(7));

  // A new credit inside the group's range invalidates the full read, not the code-only one.
  credit(mv, loc, 2, 0, 20n);
  assert.ok(!mv.validate(5), 'a credit it did not fold');
  assert.ok(mv.validate(7), 'credits do not change the code');
  // A credit of tx 3 run again (another incarnation) is another version.
  const rs5 = new ReadSetBuilder();
  resolveAccount(mv, loc, 5, rs5, txs, amounts);
  mv.record(5, new Int32Array(0), 0, rs5);
  assert.ok(mv.validate(5));
  credit(mv, loc, 3, 1, 31n);
  assert.ok(!mv.validate(5));

  // A credit becoming an ESTIMATE: both reads abort on it, and fail validation.
  mv.convertWritesToEstimates(3);
  assert.ok(!mv.validate(7), 'the credit may come back as a full write');
  assert.throws(() => resolveSkippingDeltas(mv, loc, 7, new ReadSetBuilder()), (e: unknown) => e instanceof DependencyAbort && e.blocking === 3);
  assert.throws(() => resolveAccount(mv, loc, 5, new ReadSetBuilder(), txs, amounts), (e: unknown) => e instanceof DependencyAbort && e.blocking === 3);
  // ...it comes back as a full write (a creation at the address): the code-only read now resolves to it.
  const full = fullWrite(mv, loc, 3, 2);
  assert.ok(!mv.validate(7), 'the base changed under the credits');
  const rs7b = new ReadSetBuilder();
  assert.equal(resolveSkippingDeltas(mv, loc, 7, rs7b), full);
  assert.deepEqual([...rs7b.words.subarray(0, rs7b.length)], [loc, 3, 2 | SKIP]);
  mv.record(7, Int32Array.of(loc), 1, rs7b);
  assert.ok(mv.validate(7));
  // A full read above it folds only the credits above the full write (tx 6's).
  const rs8 = new ReadSetBuilder();
  assert.equal(resolveAccount(mv, loc, 8, rs8, txs, amounts), full);
  assert.deepEqual(txs, [6]);
  assert.deepEqual([...rs8.words.subarray(0, rs8.length)], [loc, 3, 2 | DELTAS, DELTA, 6, 0, FEE_END, 0, 0]);
  mv.record(8, new Int32Array(0), 0, rs8);
  assert.ok(mv.validate(8));
  // A credit replaced by a full write of the same transaction also fails the group.
  fullWrite(mv, loc, 6, 1);
  assert.ok(!mv.validate(8));
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
