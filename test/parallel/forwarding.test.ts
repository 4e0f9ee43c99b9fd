/**
 * The ordered mode's forwarding (ordered-view.ts): a worker that runs a
 * chain of transactions on one hot slot reads each one's write from its own
 * earlier record, and the calling thread commits those records. The block:
 * a long transaction first (the calling thread's: a worker leaves it, see
 * worthClaiming), a dozen independent transfers, then forty increments of
 * one counter from forty senders; while the calling thread runs the long
 * one, the worker runs ahead through the counter's chain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParallelExecutor } from '../../src/exec/parallel/executor.js';
import { executeSequential } from '../../src/exec/sequential.js';
import { loadPreState } from '../../bench/engines/multilane.js';
import { BlockBuilder } from '../../bench/workloads/block.js';
import type { Workload } from '../../bench/workloads/types.js';
import { COUNTER, deployCounter, funded } from './counter.js';

const BURNER = 0xb0b0b0n;
/** Loops until fewer than 10,000 gas are left: JUMPDEST GAS PUSH2 10000 LT PUSH1 0 JUMPI STOP */
const BURNER_CODE = Uint8Array.of(0x5b, 0x5a, 0x61, 0x27, 0x10, 0x10, 0x60, 0x00, 0x57, 0x00);

function block(): Workload {
  const b = new BlockBuilder(7);
  deployCounter(b);
  b.account(COUNTER).storage.set(0n, 5n);
  b.account(BURNER).code = BURNER_CODE;
  b.account(BURNER).nonce = 1n;
  const sender = (role: string, i: number) => funded(b, role, i);
  b.addTx(sender('burner', 0), BURNER, 0n, new Uint8Array(0), 4_000_000n);
  for (let i = 0; i < 12; i++) b.addTx(sender('payer', i), 0xee00n + BigInt(i), 1000n, new Uint8Array(0), 21_000n);
  for (let i = 0; i < 40; i++) b.addTx(sender('counter', i), COUNTER, 0n, new Uint8Array(0), 60_000n);
  return b.finish('forwarding');
}

test('ordered mode: records of a chain on one slot, run ahead on a worker, are committed from forwarded reads', async () => {
  const w = block();
  const expected = executeSequential(loadPreState(w), w.txs, w.senders, w.env);
  assert.equal(expected.receipts.length, 53);
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'ordered' });
  let forwarded = 0;
  try {
    // Whether the worker gets ahead is up to the OS: a few blocks, each equal to sequential execution.
    for (let run = 0; run < 6; run++) {
      const state = loadPreState(w);
      const { stats, ...result } = await ex.execute(state, w.txs, w.env, { senders: w.senders, forceParallel: true });
      assert.deepStrictEqual(result, expected, `run ${run}`);
      assert.equal(state.getStorage(COUNTER, 0n), 45n);
      forwarded += stats.forwarded ?? 0;
    }
  } finally {
    await ex.close();
  }
  assert.ok(forwarded > 0, 'no committed record read a slot forwarded from an earlier one');
});
