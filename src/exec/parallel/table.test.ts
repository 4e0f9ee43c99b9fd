import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KECCAK_EMPTY, keccak256 } from '../../primitives/keccak.js';
import { MemoryState } from '../../state/memory-state.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import { LocationTable } from './table.js';

const A = 0x1111111111111111111111111111111111111111n;
const C = 0x2222222222222222222222222222222222222222n;
const CODE = Uint8Array.of(0x60, 0x01, 0x60, 0x00, 0x55, 0x00);

function slotOf(t: LocationTable, address: bigint, key?: bigint): number {
  const s = new KeyScratch();
  if (key === undefined) s.setAccount(KIND_ACCOUNT, address);
  else s.setStorage(address, key);
  return t.locate(s);
}

function build(): LocationTable {
  const state = new MemoryState();
  state.setAccount(A, { nonce: 7n, balance: 2n ** 200n + 5n });
  state.setAccount(C, { nonce: 1n, code: CODE });
  state.setStorage(C, 0n, 42n);
  state.setStorage(C, 2n ** 255n, 1n);
  return LocationTable.fromState(state, 100);
}

test('a table built from a state reads back its accounts, code and storage', () => {
  const t = build();
  const a = t.account(slotOf(t, A))!;
  assert.equal(a.nonce, 7n);
  assert.equal(a.balance, 2n ** 200n + 5n);
  assert.deepEqual(a.codeHash, KECCAK_EMPTY);
  assert.equal(a.code.length, 0);
  const c = t.account(slotOf(t, C))!;
  assert.deepEqual([...c.code], [...CODE]);
  assert.deepEqual(c.codeHash, keccak256(CODE));
  assert.equal(t.codeOf(slotOf(t, C)), c.code, 'the same code array each time (analysis caches)');
  const gen = t.generation(slotOf(t, C));
  assert.equal(t.storage(slotOf(t, C, 0n), gen), 42n);
  assert.equal(t.storage(slotOf(t, C, 2n ** 255n), gen), 1n);
  assert.equal(t.storage(slotOf(t, C, 5n), gen), 0n);
  assert.ok(t.hasStorage(slotOf(t, C)));
  assert.ok(!t.hasStorage(slotOf(t, A)));
  assert.equal(t.account(slotOf(t, 0x99n)), undefined, 'an unknown account reads as absent (and is now a slot)');
});

test('applying changes: balances, created code, wiped and deleted accounts, slot counts', () => {
  const t = build();
  const used = t.used;
  t.applyChanges(
    new Map([
      [A, { deleted: false, storageCleared: false, nonce: 8n, balance: 1n, storage: new Map([[3n, 9n]]) }],
      [C, { deleted: false, storageCleared: true, nonce: 1n, balance: 0n, storage: new Map([[1n, 5n]]) }],
    ]),
  );
  assert.equal(t.account(slotOf(t, A))!.nonce, 8n);
  assert.equal(t.storage(slotOf(t, A, 3n), t.generation(slotOf(t, A))), 9n);
  const c = slotOf(t, C);
  assert.equal(t.storage(slotOf(t, C, 0n), t.generation(c)), 0n, 'wiped');
  assert.equal(t.storage(slotOf(t, C, 1n), t.generation(c)), 5n);
  assert.ok(t.hasStorage(c));
  assert.deepEqual([...t.account(c)!.code], [...CODE], 'code kept');
  t.applyChanges(new Map([[C, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, storage: new Map([[1n, 0n]]) }]]));
  assert.ok(!t.hasStorage(c), 'last slot zeroed');
  t.applyChanges(new Map([[A, { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: new Map() }]]));
  assert.equal(t.account(slotOf(t, A)), undefined);
  assert.equal(t.storage(slotOf(t, A, 3n), t.generation(slotOf(t, A))), 0n);
  const NEW = 0x3333n;
  t.applyChanges(new Map([[NEW, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, code: CODE, codeHash: keccak256(CODE), storage: new Map() }]]));
  assert.deepEqual([...t.account(slotOf(t, NEW))!.code], [...CODE]);
  assert.ok(t.used > used);
});

test('room and staleness', () => {
  const t = build();
  assert.ok(t.hasRoom(1000));
  assert.ok(!t.hasRoom(1 << 30));
  assert.ok(!t.stale);
  t.markStale();
  assert.ok(t.stale);
});

test('restoring the snapshot last taken keeps the code views below its code cursor; another snapshot drops them', () => {
  const t = build();
  // A second thread's view of the same buffers (a worker's), with code cached before the snapshot.
  const other = new LocationTable(t.buffers);
  other.begin();
  const c = slotOf(t, C);
  const before = other.codeOf(c);
  const snap = t.snapshot();
  // A block appends code past the snapshot's cursor; the other thread caches it.
  const NEW = 0x4444n;
  const LATER = Uint8Array.of(0x60, 0x02, 0x00);
  t.applyChanges(new Map([[NEW, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, code: LATER, codeHash: keccak256(LATER), storage: new Map() }]]));
  const later = other.codeOf(slotOf(t, NEW));
  assert.deepEqual([...later], [...LATER]);

  t.restore(snap);
  other.begin();
  assert.equal(other.codeOf(c), before, 'same snapshot: the view (and the EVM analysis cached by it) survives');
  // The offset past the cursor is reused by the next block's code: its view must be gone.
  const OTHER = Uint8Array.of(0x60, 0x03, 0x00); // as long as LATER: only the dropped view tells them apart
  t.applyChanges(new Map([[NEW, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, code: OTHER, codeHash: keccak256(OTHER), storage: new Map() }]]));
  const reread = other.codeOf(slotOf(t, NEW));
  // Views are zero-copy, so the bytes alone would look right; the EVM's analysis is cached by the array.
  assert.notEqual(reread, later, 'code appended after the restore gets a new view (a new analysis)');
  assert.deepEqual([...reread], [...OTHER]);

  const snap2 = new LocationTable(t.buffers).snapshot();
  t.restore(snap2);
  other.begin();
  assert.notEqual(other.codeOf(c), before, 'another snapshot: every view is dropped');
  assert.deepEqual([...other.codeOf(c)], [...CODE]);
});

test('the table enumerates its accounts as a state would: deletions gone, wiped storage gone, zeroed slots gone', () => {
  const state = new MemoryState();
  state.setAccount(A, { nonce: 7n, balance: 2n ** 200n + 5n });
  state.setAccount(C, { nonce: 1n, code: CODE });
  state.setStorage(C, 0n, 42n);
  state.setStorage(C, 2n ** 255n, 1n);
  const t = LocationTable.fromState(state, 100);
  const NEW = 0x5555n;
  const changes = new Map([
    [A, { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: new Map<bigint, bigint>() }],
    [C, { deleted: false, storageCleared: true, nonce: 2n, balance: 3n, storage: new Map([[9n, 10n]]) }],
    [NEW, { deleted: false, storageCleared: false, nonce: 1n, balance: 0n, code: CODE, codeHash: keccak256(CODE), storage: new Map([[1n, 0n], [2n, 3n]]) }],
  ]);
  t.applyChanges(changes);
  state.apply(changes);
  const got = t.accountsInTable();
  const want = new Map([...state.accounts()].map(([address, a]) => [address, { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, storage: new Map([...a.storage].filter(([, v]) => v !== 0n)) }]));
  assert.deepEqual(new Map([...got].map(([address, a]) => [address, { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, storage: a.storage }])), want);
  assert.equal(got.has(A), false);
  assert.deepEqual([...got.get(C)!.storage], [[9n, 10n]]);
});
