import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KECCAK_EMPTY, keccak256 } from '../primitives/keccak.js';
import { MemoryState } from './memory-state.js';

test('accounts and storage: set, read, zero deletes', () => {
  const s = new MemoryState();
  s.setAccount(1n, { balance: 5n, nonce: 2n, code: Uint8Array.of(0x00) });
  s.setStorage(1n, 7n, 9n);
  assert.equal(s.getAccount(1n)?.balance, 5n);
  assert.deepEqual(s.getAccount(1n)?.codeHash, keccak256(Uint8Array.of(0x00)));
  assert.equal(s.getStorage(1n, 7n), 9n);
  assert.equal(s.hasStorage(1n), true);
  s.setStorage(1n, 7n, 0n);
  assert.equal(s.hasStorage(1n), false);
  assert.equal(s.getAccount(2n), undefined);
  assert.equal(s.getStorage(2n, 7n), 0n);
});

test('apply: changes, code, storage wipe, deletion', () => {
  const s = new MemoryState();
  s.setAccount(1n, { balance: 5n });
  s.setStorage(1n, 1n, 1n);
  s.setStorage(1n, 2n, 2n);
  s.setAccount(2n, { balance: 1n });
  s.apply(
    new Map([
      [1n, { deleted: false, storageCleared: false, nonce: 1n, balance: 4n, storage: new Map([[1n, 0n], [3n, 3n]]) }],
      [2n, { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: new Map() }],
      [3n, { deleted: false, storageCleared: true, nonce: 1n, balance: 0n, code: Uint8Array.of(0xfe), storage: new Map([[1n, 8n]]) }],
    ]),
  );
  assert.equal(s.getAccount(1n)?.nonce, 1n);
  assert.deepEqual([...s.getAccount(1n)!.storage].sort(), [[2n, 2n], [3n, 3n]]);
  assert.equal(s.getAccount(2n), undefined);
  assert.deepEqual(s.getAccount(3n)?.codeHash, keccak256(Uint8Array.of(0xfe)));
  assert.equal(s.getStorage(3n, 1n), 8n);
  assert.equal(s.size, 2);
});

test('clone is independent', () => {
  const s = new MemoryState();
  s.setAccount(1n, {});
  s.setStorage(1n, 1n, 1n);
  const c = s.clone();
  c.setStorage(1n, 1n, 2n);
  c.setAccount(2n, {});
  assert.equal(s.getStorage(1n, 1n), 1n);
  assert.equal(s.getAccount(2n), undefined);
  assert.deepEqual(c.getAccount(2n)?.codeHash, KECCAK_EMPTY);
  assert.deepEqual([...c.accounts()].map(([a]) => a), [1n, 2n]);
});
