/**
 * Block-STM under heavy contention, without the EVM: workers run the mock
 * runner (synthetic read/write programs over a few hot slots, some slow
 * transactions, nonce chains), and every thread count must give exactly
 * what running the programs one by one gives. Cheap transactions mean many
 * blocks and many aborts, re-executions and dependency waits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParallelExecutor } from '../../src/exec/parallel/executor.js';
import { BlockExecutionError, BlockFold, type BlockResult } from '../../src/exec/sequential.js';
import { mergeChanges } from '../../src/exec/sequential.js';
import type { BlockEnv } from '../../src/exec/types.js';
import { Fork } from '../../src/primitives/fork.js';
import { MemoryState } from '../../src/state/memory-state.js';
import { TxError } from '../../src/tx/errors.js';
import type { Transaction } from '../../src/tx/types.js';
import { Rng } from './blocks.js';
import { applyTransaction, MOCK_CONTRACT } from './mock-runner.js';

// The compiled test (dist) loads the compiled runner; under tsx, the source.
const runnerModule = new URL(import.meta.url.endsWith('.ts') ? './mock-runner.ts' : './mock-runner.js', import.meta.url).href;
const THREADS = [1, 2, 3, 4];
const executors = new Map<number, ParallelExecutor>();

before(async () => {
  for (const t of THREADS) executors.set(t, await ParallelExecutor.create({ threads: t, strategy: 'block-stm', runnerModule, runner: applyTransaction }));
});
after(async () => {
  for (const ex of executors.values()) await ex.close();
});

const ENV: BlockEnv = {
  fork: Fork.Cancun, chainId: 1n, number: 10n, timestamp: 1n, coinbase: 0xc0n, gasLimit: 10n ** 12n, baseFee: 0n, difficulty: 0n,
  prevRandao: 0n, blobBaseFee: 1n, maxBlobsPerBlock: 6, blockHash: () => undefined,
};

function tx(nonce: bigint, data: number[]): Transaction {
  return {
    type: 2, chainId: 1n, nonce, gasPrice: 1n, maxFeePerGas: 1n, maxPriorityFeePerGas: 0n, gasLimit: 100_000n, to: MOCK_CONTRACT,
    value: 0n, data: Uint8Array.from(data), accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [],
    v: 0n, r: 1n, s: 1n,
  };
}

interface Block {
  txs: Transaction[];
  senders: bigint[];
}

/** `n` programs over `hot` slots; `senders` accounts (fewer: longer nonce chains). */
function randomBlock(rng: Rng, n: number, hot: number, senders: number, nonces: Map<bigint, bigint>): Block {
  const txs: Transaction[] = [];
  const from: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const sender = 0x5e000n + BigInt(rng.int(senders));
    const nonce = nonces.get(sender) ?? 0n;
    nonces.set(sender, nonce + 1n);
    const ops: number[] = [];
    for (let k = 1 + rng.int(6); k > 0; k--) {
      const kind = rng.chance(0.05) ? 3 : rng.chance(0.5) ? 1 : 2;
      ops.push(kind, rng.int(hot), rng.int(200), 0);
    }
    txs.push(tx(nonce, ops));
    from.push(sender);
  }
  return { txs, senders: from };
}

function sequential(state: MemoryState, b: Block): BlockResult {
  const fold = new BlockFold();
  for (let i = 0; i < b.txs.length; i++) {
    let r;
    try {
      r = applyTransaction(state, b.txs[i], b.senders[i], ENV);
    } catch (err) {
      if (err instanceof TxError) throw new BlockExecutionError(i, err);
      throw err;
    }
    state.apply(r.changes);
    fold.addReceipt(r);
    mergeChanges(fold.changes, r.changes);
  }
  return fold.finish();
}

test('synthetic contention: every thread count equals one-by-one execution, block after block', async () => {
  let reexecutions = 0;
  let dependencyAborts = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const rng = new Rng(seed * 7919);
    const hot = [1, 2, 8, 64][seed % 4];
    const senders = [1, 4, 64][seed % 3];
    const base = new MemoryState();
    base.setAccount(MOCK_CONTRACT, { nonce: 1n });
    for (let k = 0; k < hot; k++) base.setStorage(MOCK_CONTRACT, BigInt(k), BigInt(k * 7 + 1));
    const seqState = base.clone();
    const parStates = new Map(THREADS.map((t) => [t, base.clone()]));
    const nonces = new Map<bigint, bigint>();
    for (let blockNo = 0; blockNo < 3; blockNo++) {
      const block = randomBlock(rng, 150 + rng.int(150), hot, senders, nonces);
      const expected = sequential(seqState, block);
      for (const t of THREADS) {
        const { stats, ...got } = await executors.get(t)!.execute(parStates.get(t)!, block.txs, ENV, { senders: block.senders, forceParallel: true });
        assert.equal(stats.mode, 'parallel', stats.reason);
        assert.deepStrictEqual(got, expected, `seed ${seed} block ${blockNo} threads ${t}`);
        reexecutions += stats.reexecutions;
        dependencyAborts += stats.dependencyAborts + stats.knownDependencyWaits;
      }
    }
    for (const t of THREADS) assert.deepStrictEqual([...parStates.get(t)!.accounts()].sort(), [...seqState.accounts()].sort());
  }
  assert.ok(reexecutions > 100, `only ${reexecutions} re-executions`);
  assert.ok(dependencyAborts > 0, 'no dependency waits');
});

test('an invalid program fails the block at its index, with the prefix committed', async () => {
  const rng = new Rng(99);
  const base = new MemoryState();
  base.setAccount(MOCK_CONTRACT, { nonce: 1n });
  const nonces = new Map<bigint, bigint>();
  const block = randomBlock(rng, 200, 4, 8, nonces);
  block.txs[120] = tx(block.txs[120].nonce + 5n, [2, 1, 1, 0]);
  const seqState = base.clone();
  assert.throws(() => sequential(seqState, block), (e: unknown) => e instanceof BlockExecutionError && e.txIndex === 120);
  for (const t of THREADS) {
    const state = base.clone();
    await assert.rejects(
      executors.get(t)!.execute(state, block.txs, ENV, { senders: block.senders, forceParallel: true }),
      (e: unknown) => e instanceof BlockExecutionError && e.txIndex === 120 && e.error.code === 'NONCE_MISMATCH_TOO_HIGH',
    );
    assert.deepStrictEqual([...state.accounts()].sort(), [...seqState.accounts()].sort(), `threads ${t}`);
  }
});

test('adaptive: a block that is one dependency chain is given up early and run sequentially, with the same result', async () => {
  const ex = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm', runnerModule, runner: applyTransaction });
  try {
    const base = new MemoryState();
    base.setAccount(MOCK_CONTRACT, { nonce: 1n });
    base.setStorage(MOCK_CONTRACT, 0n, 5n);
    const seqState = base.clone();
    const state = base.clone();
    const nonces = new Map<bigint, bigint>();
    // Every program reads slot 0, spins a while (so that the worker has joined well
    // before the block ends, whatever the machine's load) and writes slot 0 back:
    // each transaction needs the one before.
    const rng = new Rng(4242);
    const chain: Block = { txs: [], senders: [] };
    for (let i = 0; i < 400; i++) {
      const sender = 0x5e000n + BigInt(i);
      const nonce = nonces.get(sender) ?? 0n;
      nonces.set(sender, nonce + 1n);
      chain.txs.push(tx(nonce, [1, 0, 0, 0, 3, 0, 200 + rng.int(50), 0, 2, 0, rng.int(200), 0]));
      chain.senders.push(sender);
    }
    const expected = sequential(seqState, chain);
    const { stats, ...got } = await ex.execute(state, chain.txs, ENV, { senders: chain.senders });
    assert.equal(stats.mode, 'sequential');
    assert.match(stats.reason ?? '', /^contention: \d+ of the first \d+ incarnations aborted/);
    assert.deepStrictEqual(got, expected);
    assert.deepStrictEqual([...state.accounts()].sort(), [...seqState.accounts()].sort());
    // The shared table stayed in step: the next block, run in parallel, gives the sequential result.
    const free = randomBlock(rng, 200, 256, 200, nonces);
    const expected2 = sequential(seqState, free);
    const r2 = await ex.execute(state, free.txs, ENV, { senders: free.senders, forceParallel: true });
    const { stats: s2, ...got2 } = r2;
    assert.equal(s2.mode, 'parallel', s2.reason);
    assert.deepStrictEqual(got2, expected2);
    assert.deepStrictEqual([...state.accounts()].sort(), [...seqState.accounts()].sort());
  } finally {
    await ex.close();
  }
});
