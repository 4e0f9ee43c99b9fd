/**
 * The ordered mode's affinity (ordered-lane.ts): calls to a contended
 * target are not split between the threads while the calling thread holds
 * an earlier one. The block: a counter that every other transaction
 * increments, between independent transfers, each from its own sender —
 * without affinity, a worker's increments keep reading the counter before
 * the calling thread's earlier increment is committed. Whatever the
 * threads do, every block must equal sequential execution, and a stale
 * record of an increment must be remembered against the counter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParallelExecutor } from '../../src/exec/parallel/executor.js';
import { executeSequential } from '../../src/exec/sequential.js';
import { loadPreState } from '../../bench/engines/multilane.js';
import { BlockBuilder } from '../../bench/workloads/block.js';
import type { Workload } from '../../bench/workloads/types.js';
import { COUNTER, deployCounter, funded } from './counter.js';

const INCREMENTS = 40;

function block(): Workload {
  const b = new BlockBuilder(11);
  deployCounter(b);
  const sender = (role: string, i: number) => funded(b, role, i);
  for (let i = 0; i < INCREMENTS; i++) {
    b.addTx(sender('counter', i), COUNTER, 0n, new Uint8Array(0), 60_000n);
    b.addTx(sender('payer', i), 0xee00n + BigInt(i), 1000n, new Uint8Array(0), 21_000n);
  }
  return b.finish('affinity');
}

test('ordered mode: calls to a contended target, interleaved with independent ones, equal sequential execution run after run', async () => {
  const w = block();
  const expected = executeSequential(loadPreState(w), w.txs, w.senders, w.env);
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'ordered' });
  const rejected: number[] = [];
  try {
    for (let run = 0; run < 10; run++) {
      const state = loadPreState(w);
      const { stats, ...result } = await ex.execute(state, w.txs, w.env, { senders: w.senders, forceParallel: true });
      assert.deepStrictEqual(result, expected, `run ${run}`);
      assert.equal(state.getStorage(COUNTER, 0n), BigInt(INCREMENTS));
      assert.equal((stats.direct ?? 0) + (stats.accepted ?? 0), w.txs.length, 'every transaction run or committed once');
      rejected.push(stats.validationAborts);
    }
  } finally {
    await ex.close();
  }
  // Once any increment's record went stale, the executor follows the counter (contended while its records keep going stale).
  const memory = (ex as unknown as { targets: { follows(to: bigint): boolean } }).targets;
  if (rejected.some((r) => r > 0)) assert.ok(memory.follows(COUNTER), `rejections ${rejected.join(',')} but the counter is not followed`);
});
