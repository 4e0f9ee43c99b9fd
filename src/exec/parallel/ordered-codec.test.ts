import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256 } from '../../primitives/keccak.js';
import { MemoryState } from '../../state/memory-state.js';
import type { StateChanges } from '../../state/types.js';
import type { TxResult } from '../types.js';
import { SpeculativeReader, writeSpeculative } from './ordered-codec.js';
import { OrderedView } from './ordered-view.js';
import { OUTCOME_OK } from './results.js';
import { LocationTable } from './table.js';
import { WordWriter } from './tx-codec.js';

const A = 0xaaaan;
const C = 0xccccn;
const TO = 0x7070n;
const COINBASE = 0xc0c0n;
const CODE = Uint8Array.of(0x60, 0x01, 0x60, 0x00, 0x55, 0x00);

function setup() {
  const state = new MemoryState();
  state.setAccount(A, { nonce: 3n, balance: 10n ** 20n });
  state.setAccount(C, { nonce: 1n, code: CODE });
  state.setStorage(C, 5n, 42n);
  const table = LocationTable.fromState(state, 100);
  const view = new OrderedView(table);
  view.beginBlock(COINBASE);
  view.begin();
  return { table, view };
}

/** A record as a worker leaves it; `bump` publishes a location again before the check. */
function roundTrip(view: OrderedView, table: LocationTable, r: TxResult, accepted = new Uint8Array(8)) {
  const w = new WordWriter(64);
  writeSpeculative(w, view, { kind: OUTCOME_OK, result: r }, r);
  const reader = new SpeculativeReader(w.w64.buffer as SharedArrayBuffer);
  const codeless = (slot: number) => !table.exists(slot) || table.codeLength(slot) === 0;
  return { valid: () => reader.validReads(0, table.vers, accepted, codeless), decode: () => reader.decode() };
}

function result(changes: StateChanges): TxResult {
  return {
    status: 1, gasUsed: 43_210n, output: new Uint8Array(0), blobGasUsed: 0n, changes, coinbaseFee: 7n, credit: { to: TO, amount: 99n },
    logs: [{ address: C, topics: [keccak256(Uint8Array.of(1)), keccak256(Uint8Array.of(2))], data: Uint8Array.of(9, 8, 7) }],
  };
}

test('ordered mode: a record carries its reads, receipt, writes, fee and credit through the arena', () => {
  const { table, view } = setup();
  const a = view.getAccount(A)!;
  assert.equal(a.nonce, 3n);
  assert.equal(view.getStorage(C, 5n), 42n);
  assert.equal(view.deferTransfer(TO), true, 'an absent account has no code');
  const changes: StateChanges = new Map([
    [A, { deleted: false, storageCleared: false, nonce: 4n, balance: 10n ** 20n - 1000n, storage: new Map() }],
    [C, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, storage: new Map([[5n, 43n], [2n ** 255n, 1n]]), code: CODE, codeHash: keccak256(CODE) }],
  ]);
  const rec = roundTrip(view, table, result(changes));
  assert.equal(rec.valid(), true);
  const spec = rec.decode();
  assert.equal(spec.outcome.kind, OUTCOME_OK);
  if (spec.outcome.kind !== OUTCOME_OK) return;
  assert.equal(spec.outcome.result.gasUsed, 43_210n);
  assert.deepEqual(spec.outcome.result.logs, result(changes).logs);
  assert.equal(spec.fee, 7n);
  assert.equal(spec.credit?.to, TO);
  assert.equal(spec.credit?.amount, 99n);
  assert.deepEqual(spec.changes, changes);
  // The slots the worker found travel with the writes; a slot it never read is -1.
  assert.equal(spec.accountSlots.length, 2);
  assert.ok(spec.accountSlots.every((s) => s >= 0));
  assert.ok(spec.storageSlots[1][0] >= 0);
  assert.equal(spec.storageSlots[1][1], -1);
});

test('ordered mode: a record is stale once a location it read is published again, or its transfer target gets code, or it read the coinbase', () => {
  let { table, view } = setup();
  view.getStorage(C, 5n);
  let rec = roundTrip(view, table, result(new Map()));
  const slot = view.knownStorageSlot(C, 5n);
  Atomics.add(table.vers, slot, 2); // a commit wrote the slot
  assert.equal(rec.valid(), false);

  ({ table, view } = setup());
  view.getAccount(A);
  rec = roundTrip(view, table, result(new Map()));
  Atomics.add(table.vers, view.knownAccountSlot(A), 1); // a publication in progress
  assert.equal(rec.valid(), false);

  ({ table, view } = setup());
  assert.equal(view.deferTransfer(TO), true);
  rec = roundTrip(view, table, result(new Map()));
  assert.equal(rec.valid(), true);
  table.commitAccount(view.knownAccountSlot(TO), { nonce: 1n, balance: 0n, codeHash: keccak256(CODE) }, table.appendCode(CODE), CODE.length);
  assert.equal(rec.valid(), false, 'the target was given code before the record\'s turn');

  ({ table, view } = setup());
  view.getAccount(COINBASE);
  assert.equal(view.coinbaseRead, true);
  assert.equal(roundTrip(view, table, result(new Map())).valid(), false);
});

test('ordered mode: a worker reads the slots its own earlier record wrote; valid once that record is committed and nothing else wrote there', () => {
  const state = new MemoryState();
  state.setAccount(A, { nonce: 3n, balance: 10n ** 20n });
  state.setAccount(C, { nonce: 1n, code: CODE });
  state.setStorage(C, 5n, 42n);
  const setupForwarding = () => {
    const table = LocationTable.fromState(state, 100);
    const view = new OrderedView(table);
    const commit = new Int32Array(1);
    view.beginBlock(COINBASE, { words: commit, at: 0 });
    // Transaction 1 (the worker's record): reads A and C's slot 5, writes both.
    view.begin();
    view.getAccount(A);
    assert.equal(view.getStorage(C, 5n), 42n);
    const changes: StateChanges = new Map([
      [A, { deleted: false, storageCleared: false, nonce: 4n, balance: 10n ** 20n - 1000n, storage: new Map() }],
      [C, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, storage: new Map([[5n, 43n]]) }],
    ]);
    view.remember(1, changes);
    // Transaction 2 sees the slot as transaction 1 left it (accounts are read from the table).
    view.begin();
    assert.equal(view.getStorage(C, 5n), 43n);
    assert.equal(view.forwardedLen, 3, 'one forwarded read');
    const rec = roundTrip(view, table, result(new Map()), accepted);
    // The main thread commits transaction 1 from its record: each written location published once.
    const publish = () => {
      for (const [address, ch] of changes) table.applyAccountChange(address, ch, view.knownAccountSlot(address), [...ch.storage.keys()].map((k) => view.knownStorageSlot(address, k)));
    };
    return { table, view, commit, rec, publish };
  };
  const accepted = new Uint8Array(8);

  let f = setupForwarding();
  assert.equal(f.rec.valid(), false, 'transaction 1 not committed yet');
  f.publish();
  assert.equal(f.rec.valid(), false, 'committed, but not from the record (the main thread ran it again)');
  accepted[1] = 1;
  assert.equal(f.rec.valid(), true);
  Atomics.add(f.table.vers, f.view.knownStorageSlot(C, 5n), 2);
  assert.equal(f.rec.valid(), false, 'another transaction wrote the slot after transaction 1');

  f = setupForwarding();
  f.publish();
  f.commit[0] = 2;
  f.view.begin();
  assert.equal(f.view.getStorage(C, 5n), 43n, 'past the commit point the table holds it');
  assert.equal(f.view.forwardedLen, 0);
});
