import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryState } from '../../state/memory-state.js';
import { withTableState } from './table-state.js';

const C = 0xc0ffeen;

test('withTableState: a body that fills the small table runs again on a larger one, from a fresh state', () => {
  const attempts: MemoryState[] = [];
  const read = withTableState(
    () => {
      const s = new MemoryState();
      s.setAccount(C, { nonce: 1n, code: Uint8Array.of(0x00) });
      s.setStorage(C, 7n, 8n);
      attempts.push(s);
      return s;
    },
    (state) => {
      // Reads of 5,000 absent slots insert 5,000 locations: more than the first table's room.
      let sum = 0n;
      for (let k = 1000n; k < 6000n; k++) sum += state.getStorage(C, k);
      return sum + state.getStorage(C, 7n);
    },
  );
  assert.equal(read, 8n);
  assert.equal(attempts.length, 2, 'one retry, on a table sixteen times larger');
});

test('TableState publishes what it applies, and the table enumerates it', () => {
  withTableState(
    () => new MemoryState(),
    (state) => {
      state.apply(new Map([[C, { deleted: false, storageCleared: false, nonce: 1n, balance: 5n, storage: new Map([[1n, 2n]]) }]]));
      assert.equal(state.getAccount(C)?.balance, 5n);
      assert.equal(state.getStorage(C, 1n), 2n);
      const all = [...state.accounts()];
      assert.deepEqual(all.map(([a, acct]) => [a, acct.nonce, acct.balance, [...acct.storage]]), [[C, 1n, 5n, [[1n, 2n]]]]);
    },
  );
});
