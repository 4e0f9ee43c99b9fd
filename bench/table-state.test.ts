import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeSequential } from '../src/exec/sequential.js';
import { LocationTable } from '../src/exec/parallel/table.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';
import { TableState } from '../src/exec/parallel/table-state.js';
import { measureTableState } from './table-state.js';

test('the sequential executor over the location table gives the MemoryState result, and the table holds the post-state', () => {
  for (const name of ['erc20', 'amm', 'raw-transfers']) {
    const w = makeWorkload(name, { txs: 60, cache: false });
    const mem = loadPreState(w);
    const table = LocationTable.fromState(loadPreState(w), 16 * w.txs.length);
    const want = executeSequential(mem, w.txs, w.senders, w.env);
    const got = executeSequential(new TableState(table), w.txs, w.senders, w.env);
    assert.deepEqual(got.receipts, want.receipts, `${name}: receipts`);
    assert.deepEqual(got.changes, want.changes, `${name}: changes`);
    // Every account and slot the block wrote reads back from the table as the MemoryState has it.
    const after = new TableState(table);
    for (const [address, ch] of want.changes) {
      const a = after.getAccount(address);
      const b = mem.getAccount(address);
      assert.deepEqual([a?.nonce, a?.balance], [b?.nonce, b?.balance], `${name}: account ${address.toString(16)}`);
      for (const key of ch.storage.keys()) assert.equal(after.getStorage(address, key), mem.getStorage(address, key), `${name}: slot ${key.toString(16)}`);
    }
  }
});

test('the table-state probe reports both times and their paired ratio', () => {
  const r = measureTableState('erc20', 2);
  assert.equal(r.workload, 'erc20');
  assert.ok(r.memoryMs > 0 && r.tableMs > 0 && r.ratio > 0);
});
