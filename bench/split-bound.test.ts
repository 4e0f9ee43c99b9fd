import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeSequential } from '../src/exec/sequential.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';
import { SplitWorker, splitBound } from './split-bound.js';

test('split bound: a block cut in two, the second part run on a worker and imported, gives the sequential result', async () => {
  const options = { txs: 80, cache: false };
  const w = makeWorkload('erc20', options);
  const worker = await SplitWorker.start('erc20', options);
  try {
    const seqState = loadPreState(w);
    const seq = executeSequential(seqState, w.txs, w.senders, w.env);
    const run = worker.run(w, loadPreState(w), 30, loadPreState(w));
    assert.equal(run.conflict, false);
    assert.equal(run.block.gasUsed, seq.gasUsed);
    assert.deepEqual(run.block.receipts, seq.receipts);
    assert.deepEqual(run.block.changes, seq.changes);
    for (const [address] of seq.changes) assert.deepEqual(run.state.getAccount(address), seqState.getAccount(address));
  } finally {
    await worker.close();
  }
});

test('split bound: a worker part that read what the first part wrote is reported as a conflict', async () => {
  const options = { txs: 20, cache: false };
  const w = makeWorkload('chain', options);
  const worker = await SplitWorker.start('chain', options);
  try {
    assert.equal(worker.run(w, loadPreState(w), 10, loadPreState(w)).conflict, true);
  } finally {
    await worker.close();
  }
});

test('split bound: the balanced cut lies inside the block and the speedup is measured', async () => {
  const r = await splitBound('raw-transfers', { txs: 60, cache: false }, 6);
  assert.ok(r.cut > 0 && r.cut < r.txs);
  assert.ok(r.speedup > 0 && Number.isFinite(r.speedup));
  assert.equal(r.conflict, false);
});
