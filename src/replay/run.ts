/**
 * One block's state transition, on the sequential reference executor or on
 * the parallel one, over a state the caller owns (a clone of the pre-state).
 * Both modes share every step but the transactions, so any difference
 * between them is the executors'.
 *
 * The order is execution-specs `apply_body` (as src/block/execute.ts runs
 * it), in three parts so that timings cover execution only:
 *   1. prepare, untimed: the DAO-fork transfer (EIP-779) and the pre-block
 *      system calls (EIP-4788 beacon root, EIP-2935 parent hash). They must
 *      precede the parallel executor's load of its shared copy of the state,
 *      which has to hold their writes; they take well under a millisecond.
 *   2. timed: the transactions, then withdrawals (EIP-4895) or proof-of-work
 *      rewards, then Prague's requests (EIP-7685).
 *   3. receipts, bloom and the header checks: check.ts, untimed.
 */
import { blockEnv, postBlockSystemCalls, preBlockSystemCalls, type BlockState as ChainState } from '../block/execute.js';
import { daoForkChanges } from '../block/dao.js';
import { collectRequests, type Request } from '../block/requests.js';
import { applyRewards, applyWithdrawals } from '../block/rewards.js';
import type { BlockProfile, ParallelExecutor, ParallelRunStats } from '../exec/parallel/executor.js';
import { executeSequential, type BlockState, type TxReceipt } from '../exec/sequential.js';
import type { BlockEnv } from '../exec/types.js';
import { Fork } from '../primitives/fork.js';
import type { MemoryState } from '../state/memory-state.js';
import type { StateChanges } from '../state/types.js';
import type { ReplayBlock } from './fixture.js';

/** What one execution of a block gave. */
export interface BlockRun {
  receipts: TxReceipt[];
  gasUsed: bigint;
  blobGasUsed: bigint;
  /** The transactions' combined writes (system calls, withdrawals and rewards not included). */
  changes: StateChanges;
  /** Prague+: the block's requests. */
  requests?: Request[];
  /** Milliseconds of part 2 (see the file comment). */
  ms: number;
  /** Parallel runs: the executor's figures (mode, re-executions, ...). */
  stats?: ParallelRunStats;
  /** A profiled parallel run: per-transaction times and dependencies. */
  profile?: BlockProfile;
}

/** Part 1 on `state`; returns the block's environment. */
export function prepareBlock(rb: ReplayBlock, state: ChainState): BlockEnv {
  const { header } = rb.block;
  const env = blockEnv(header, rb.chain, (n) => rb.blockHashes.get(n));
  if (rb.chain.daoForkBlock === header.number) state.apply(daoForkChanges(state));
  // A failing system call is ignored (execution-specs `process_system_transaction`); the
  // fixtures lack the beacon-roots contract, so its call finds no code and writes nothing.
  preBlockSystemCalls(state, env, header);
  return env;
}

/** Withdrawals or rewards, then requests: the timed tail of part 2. */
function finishBlock(rb: ReplayBlock, state: MemoryState, env: BlockEnv, receipts: readonly TxReceipt[]): Request[] | undefined {
  const { block } = rb;
  if (block.withdrawals) applyWithdrawals(state, block.withdrawals);
  // JSON-RPC blocks carry only the ommers' hashes, so ommer rewards cannot be paid; no receipt depends on them.
  if (env.fork < Fork.Paris) applyRewards(state, block.header, block.ommers, env.fork);
  if (env.fork < Fork.Prague) return undefined;
  return collectRequests(receipts, () => postBlockSystemCalls(state, env));
}

/**
 * Part 2 on the sequential executor over `state` (prepared). With `through`,
 * the transactions read and write through it instead (a recorder wrapping
 * `state`); withdrawals and rewards always go to `state` directly.
 */
export function runSequential(rb: ReplayBlock, state: MemoryState, env: BlockEnv, through?: BlockState): BlockRun {
  const t0 = performance.now();
  const result = executeSequential(through ?? state, rb.block.transactions, rb.senders, env);
  const requests = finishBlock(rb, state, env, result.receipts);
  const ms = performance.now() - t0;
  return { ...result, requests, ms };
}

export interface ParallelRunOptions {
  /** Run in parallel even where the executor would choose sequential (small blocks). */
  forceParallel?: boolean;
  /** Record per-transaction times and dependencies (the run is then slower: not for timing). */
  profile?: boolean;
  /**
   * The executor's shared copy of this block's pre-state, taken after an
   * earlier run (`executor.snapshotPreState()`): put back instead of built
   * anew, so runs reuse the same shared buffers as a node's blocks do (fresh
   * buffers cost their first touches inside the timed span).
   */
  snapshot?: unknown;
}

/**
 * Part 2 on the parallel executor over `state` (prepared). The executor's
 * shared copy of the state is built first, untimed: it is per-state setup,
 * like loading the files.
 */
export async function runParallel(rb: ReplayBlock, state: MemoryState, env: BlockEnv, executor: ParallelExecutor, opts: ParallelRunOptions = {}): Promise<BlockRun> {
  if (opts.snapshot !== undefined) executor.restorePreState(opts.snapshot, state);
  else executor.loadPreState(state);
  const t0 = performance.now();
  const result = await executor.execute(state, rb.block.transactions, env, { senders: rb.senders, forceParallel: opts.forceParallel, profile: opts.profile });
  const requests = finishBlock(rb, state, env, result.receipts);
  const ms = performance.now() - t0;
  return { receipts: result.receipts, gasUsed: result.gasUsed, blobGasUsed: result.blobGasUsed, changes: result.changes, requests, ms, stats: result.stats, profile: result.profile };
}
