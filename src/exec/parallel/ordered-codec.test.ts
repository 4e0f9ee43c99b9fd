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
function roundTrip(view: OrderedView, table: LocationTable, r: TxResult) {
  const w = new WordWriter(64);
  writeSpeculative(w, view, { kind: OUTCOME_OK, result: r }, r);
  const reader = new SpeculativeReader(w.w64.buffer as SharedArrayBuffer);
  const codeless = (slot: number) => !table.exists(slot) || table.codeLength(slot) === 0;
  return { valid: () => reader.validReads(0, table.vers, codeless), decode: () => reader.decode() };
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
