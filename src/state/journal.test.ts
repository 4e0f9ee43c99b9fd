import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from './journal.js';
import { MemoryState } from './memory-state.js';

const A = 0xaan;
const B = 0xbbn;

function setup(): { state: MemoryState; journal: Journal } {
  const state = new MemoryState();
  state.setAccount(A, { balance: 100n, nonce: 1n });
  state.setStorage(A, 1n, 10n);
  return { state, journal: new Journal(state) };
}

test('reverting a checkpoint undoes balance, nonce, storage, code, warm marks and logs', () => {
  const { journal } = setup();
  const a = journal.account(A);
  const cp = journal.checkpoint();
  journal.setBalance(a, 50n);
  journal.incrementNonce(a);
  journal.sstore(journal.slot(a, 1n), 11n);
  journal.setCode(a, Uint8Array.of(0x00));
  assert.equal(journal.warmAddress(B), false);
  assert.equal(journal.warmSlot(a, 1n), false);
  journal.log({ address: A, topics: [], data: new Uint8Array(0) });
  journal.refund += 100;
  journal.revert(cp);
  assert.equal(a.balance, 100n);
  assert.equal(a.nonce, 1n);
  assert.equal(journal.sload(a, 1n), 10n);
  assert.equal(a.code.length, 0);
  assert.equal(journal.isWarm(B), false);
  assert.equal(journal.warmSlot(a, 1n), false);
  assert.equal(journal.logs.length, 0);
  assert.equal(journal.refund, 0);
});

test('nested checkpoints: an inner revert keeps the outer changes', () => {
  const { journal } = setup();
  const a = journal.account(A);
  const outer = journal.checkpoint();
  journal.setBalance(a, 90n);
  const inner = journal.checkpoint();
  journal.setBalance(a, 80n);
  journal.revert(inner);
  assert.equal(a.balance, 90n);
  journal.commit(outer);
  assert.equal(a.balance, 90n);
});

test('storage slots remember their value at transaction start', () => {
  const { journal } = setup();
  const a = journal.account(A);
  const slot = journal.slot(a, 1n);
  journal.sstore(slot, 12n);
  journal.sstore(slot, 13n);
  assert.deepEqual({ ...slot }, { original: 10n, current: 13n });
});

test('finalize reports only what changed, with final slot values', () => {
  const { journal } = setup();
  const a = journal.account(A);
  journal.account(B); // read only: no change
  journal.sstore(journal.slot(a, 1n), 10n); // same value: not a change
  journal.sstore(journal.slot(a, 2n), 5n);
  const changes = journal.finalize(true);
  assert.deepEqual([...changes.keys()], [A]);
  assert.deepEqual([...changes.get(A)!.storage], [[2n, 5n]]);
  assert.equal(changes.get(A)!.code, undefined);
});

test('EIP-161: touched empty accounts are deleted; the RIPEMD-160 touch survives a revert', () => {
  const state = new MemoryState();
  state.setAccount(B, {});
  state.setAccount(3n, {});
  const journal = new Journal(state);
  journal.touch(journal.account(B));
  const cp = journal.checkpoint();
  journal.touch(journal.account(3n));
  journal.revert(cp);
  const changes = journal.finalize(true);
  assert.equal(changes.get(B)?.deleted, true);
  assert.equal(changes.get(3n)?.deleted, true);
  // Without EIP-161 nothing is deleted.
  const j2 = new Journal(state);
  j2.touch(j2.account(B));
  assert.equal(j2.finalize(false).size, 0);
});

test('a touched missing account is created empty, and deleted again under EIP-161', () => {
  const journal = new Journal(new MemoryState());
  journal.touch(journal.account(B));
  assert.equal(journal.finalize(true).size, 0);
  const j2 = new Journal(new MemoryState());
  j2.touch(j2.account(B));
  const change = j2.finalize(false).get(B);
  assert.equal(change?.deleted, false);
  assert.equal(change?.balance, 0n);
});

test('self-destructed accounts are deleted, storage and all', () => {
  const { journal } = setup();
  journal.markDestroyed(journal.account(A));
  const change = journal.finalize(true).get(A);
  assert.equal(change?.deleted, true);
});

test('an account created in the transaction reads zero storage and reports storageCleared only if it existed', () => {
  const state = new MemoryState();
  state.setAccount(B, { balance: 5n });
  const journal = new Journal(state);
  const b = journal.account(B);
  journal.markCreated(b);
  journal.incrementNonce(b);
  assert.equal(journal.sload(b, 1n), 0n);
  journal.sstore(journal.slot(b, 1n), 3n);
  const change = journal.finalize(true).get(B)!;
  assert.equal(change.storageCleared, true);
  assert.deepEqual([...change.storage], [[1n, 3n]]);
});

test('transient storage is journaled', () => {
  const { journal } = setup();
  journal.tstore(A, 1n, 5n);
  const cp = journal.checkpoint();
  journal.tstore(A, 1n, 6n);
  journal.revert(cp);
  assert.equal(journal.tload(A, 1n), 5n);
  assert.equal(journal.tload(B, 1n), 0n);
});

test('precompiles warmed for the transaction stay warm through reverts', () => {
  const { journal } = setup();
  journal.warmForTransaction([1n, 2n]);
  const cp = journal.checkpoint();
  journal.warmAddress(B);
  journal.revert(cp);
  assert.equal(journal.isWarm(1n), true);
  assert.equal(journal.isWarm(3n), false);
  assert.equal(journal.isWarm(B), false);
  journal.reset(new MemoryState());
  assert.equal(journal.isWarm(1n), false);
});

test('the precompile list is re-read when another one comes, and addresses above 0x100 are journaled', () => {
  const { journal } = setup();
  journal.warmForTransaction([1n, 2n]);
  journal.reset(new MemoryState());
  journal.warmForTransaction([3n, 0x101n]);
  assert.equal(journal.isWarm(1n), false);
  assert.equal(journal.isWarm(3n), true);
  assert.equal(journal.isWarm(0x101n), true);
  journal.reset(new MemoryState());
  journal.warmForTransaction([3n, 0x101n]);
  const cp = journal.checkpoint();
  journal.revert(cp);
  assert.equal(journal.isWarm(0x101n), true);
});

test('checkpoints nest and are reused across transactions after reset', () => {
  const { state, journal } = setup();
  for (let round = 0; round < 2; round++) {
    journal.reset(state);
    const acct = journal.account(A);
    const outer = journal.checkpoint();
    journal.setBalance(acct, 1n);
    const inner = journal.checkpoint();
    assert.equal(inner, outer + 1);
    journal.setBalance(acct, 2n);
    journal.commit(inner);
    const again = journal.checkpoint();
    assert.equal(again, inner, 'a committed checkpoint id is free again');
    journal.setBalance(acct, 3n);
    journal.revert(again);
    assert.equal(acct.balance, 2n);
    journal.revert(outer);
    assert.equal(acct.balance, 100n);
  }
});
