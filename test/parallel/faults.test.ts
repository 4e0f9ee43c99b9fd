/**
 * Failures inside the parallel executor never hang and never give a wrong
 * result: an exception in the EVM or in a worker's loop, a worker that
 * exits, one that hangs, one that runs out of memory — each either fails
 * the block with an error (fallbackOnFailure: false) or redoes it
 * sequentially, and the executor keeps working for the next block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParallelExecutor, type ParallelRunStats } from '../../src/exec/parallel/executor.js';
import type { FaultInjection } from '../../src/exec/parallel/engine.js';
import { ParallelExecutionError } from '../../src/exec/parallel/types.js';
import { executeSequential } from '../../src/exec/sequential.js';
import { Fork } from '../../src/primitives/fork.js';
import { World } from './blocks.js';

function world(seed: number): World {
  return new World({ seed, fork: Fork.Cancun, coinbase: 'funded', hotSlots: 16, senders: 16, txsPerBlock: 40 });
}

/** Runs two blocks: the first with a fault, the second clean; both must equal sequential execution. Returns their stats. */
async function twoBlocks(ex: ParallelExecutor, fault: FaultInjection, seed: number): Promise<[ParallelRunStats, ParallelRunStats]> {
  const w = world(seed);
  const seqState = w.state.clone();
  const parState = w.state.clone();
  const b1 = w.nextBlock();
  const b2 = w.nextBlock();
  const e1 = executeSequential(seqState, b1.txs, b1.senders, w.env);
  const e2 = executeSequential(seqState, b2.txs, b2.senders, w.env);
  const { stats: s1, ...r1 } = await ex.execute(parState, b1.txs, w.env, { senders: b1.senders, forceParallel: true, fault });
  assert.deepStrictEqual(r1, e1);
  const { stats: s2, ...r2 } = await ex.execute(parState, b2.txs, w.env, { senders: b2.senders, forceParallel: true });
  assert.deepStrictEqual(r2, e2);
  return [s1, s2];
}

/** Block-STM: the faulty block is redone sequentially, the next runs in parallel again; returns why. */
async function faultThenClean(ex: ParallelExecutor, fault: FaultInjection, seed: number): Promise<string | undefined> {
  const [s1, s2] = await twoBlocks(ex, fault, seed);
  assert.equal(s1.mode, 'sequential', 'the faulty block was redone sequentially');
  assert.equal(s2.mode, 'parallel', 'the next block runs in parallel again');
  return s1.reason;
}

test('an exception in the EVM at one transaction: the block is redone sequentially', async () => {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm' });
  try {
    const reason = await faultThenClean(ex, { tx: 7, kind: 'evm-throw' }, 1);
    assert.match(reason ?? '', /transaction 7: Error: injected fault: EVM failure/);
  } finally {
    await ex.close();
  }
});

test('an exception escaping a worker loop aborts the block; the others unwind', async () => {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm' });
  try {
    const reason = await faultThenClean(ex, { tx: 5, kind: 'throw' }, 2);
    assert.match(reason ?? '', /injected fault: worker failure/);
  } finally {
    await ex.close();
  }
});

test('a worker that exits mid-block is replaced', async () => {
  const ex = await ParallelExecutor.create({ threads: 3, strategy: 'block-stm' });
  try {
    const reason = await faultThenClean(ex, { tx: 3, kind: 'exit' }, 3);
    assert.match(reason ?? '', /exited/);
  } finally {
    await ex.close();
  }
});

test('a hung worker is terminated at the block deadline', async () => {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm', blockTimeoutMs: 1500 });
  try {
    const started = Date.now();
    const reason = await faultThenClean(ex, { tx: 4, kind: 'hang' }, 4);
    assert.match(reason ?? '', /did not finish within 1500 ms/);
    assert.ok(Date.now() - started < 20_000);
  } finally {
    await ex.close();
  }
});

test('a worker out of memory dies and is replaced', async () => {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm', workerMemoryLimitMb: 48 });
  try {
    const reason = await faultThenClean(ex, { tx: 2, kind: 'oom' }, 5);
    assert.match(reason ?? '', /worker \d (crashed|exited)/);
  } finally {
    await ex.close();
  }
});

test('with fallbackOnFailure: false a failure is an error, and the state is untouched', async () => {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm', fallbackOnFailure: false });
  try {
    const w = world(6);
    const state = w.state.clone();
    const before = [...state.accounts()].length;
    const b = w.nextBlock();
    await assert.rejects(ex.execute(state, b.txs, w.env, { forceParallel: true, fault: { tx: 1, kind: 'exit' } }), ParallelExecutionError);
    assert.equal([...state.accounts()].length, before);
    // The pool recovers: the same block now runs (and the state moves on).
    const seqState = w.state.clone();
    const expected = executeSequential(seqState, b.txs, b.senders, w.env);
    const { stats, ...got } = await ex.execute(state, b.txs, w.env, { forceParallel: true });
    assert.equal(stats.mode, 'parallel');
    assert.deepStrictEqual(got, expected);
  } finally {
    await ex.close();
  }
});

/**
 * The ordered mode: a worker's records are only hints the calling thread
 * checks, so a failing worker costs its records, never the block. The
 * calling thread takes over what the worker held and finishes alone; the
 * result is exact and the failure is reported in `stats.reason`.
 */
async function orderedFault(fault: FaultInjection, seed: number, options: { blockTimeoutMs?: number; workerMemoryLimitMb?: number } = {}): Promise<string | undefined> {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'ordered', ...options });
  try {
    const [s1, s2] = await twoBlocks(ex, fault, seed);
    assert.equal(s1.strategy, 'ordered');
    assert.equal(s2.reason, undefined, 'the next block runs cleanly');
    return s1.reason;
  } finally {
    await ex.close();
  }
}

test('ordered mode: an exception in the EVM only throws the record away', async () => {
  assert.equal(await orderedFault({ tx: 3, kind: 'evm-throw' }, 11), undefined);
});

test('ordered mode: a worker loop that throws, exits, hangs or runs out of memory: the calling thread finishes the block', async () => {
  assert.match((await orderedFault({ tx: 3, kind: 'throw' }, 12)) ?? '', /the workers failed.*injected fault: worker failure/);
  assert.match((await orderedFault({ tx: 3, kind: 'exit' }, 13)) ?? '', /the workers failed.*exited/);
  const started = Date.now();
  assert.match((await orderedFault({ tx: 3, kind: 'hang' }, 14, { blockTimeoutMs: 1500 })) ?? '', /the workers failed.*did not finish within 1500 ms/);
  assert.ok(Date.now() - started < 20_000);
  assert.match((await orderedFault({ tx: 3, kind: 'oom' }, 15, { workerMemoryLimitMb: 48 })) ?? '', /the workers failed.*worker \d (crashed|exited)/);
});
