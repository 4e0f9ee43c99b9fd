/**
 * The parallel executor's options: for the executor (`create`) and for one
 * block (`execute`), and what a block returns.
 *
 * Internal module of the parallel executor (re-exported by executor.ts).
 */
import type { StateReader } from '../../state/types.js';
import type { Transaction } from '../../tx/types.js';
import type { BlockResult } from '../sequential.js';
import type { BlockEnv, TxResult } from '../types.js';
import type { FaultInjection } from './engine.js';
import type { BlockProfile, ParallelRunStats } from './stats.js';

export interface ParallelExecutorOptions {
  /** Busy threads: the calling thread and threads − 1 workers (default: the machine's available parallelism). */
  threads?: number;
  /** Blocks with fewer than threads × this many transactions run sequentially (default 4). */
  minTxsPerThread?: number;
  /** Blocks whose gas limits add up to less run sequentially (default 0). */
  minBlockGas?: bigint;
  /** On a worker failure or timeout, redo the block sequentially (default true) instead of throwing. */
  fallbackOnFailure?: boolean;
  /** Deadline for one parallel block (ms, default 120 000). */
  blockTimeoutMs?: number;
  /** Heap limit per worker in MiB (a worker over it dies: the block fails over). */
  workerMemoryLimitMb?: number;
  /**
   * Run each block the way that has been faster (measured per gas over the
   * recent blocks, the other way re-probed every 8 blocks; see policy.ts),
   * and give up early on a contended block (run it sequentially). Default
   * true; `forceParallel` on a block overrides both.
   */
  adaptive?: boolean;
  /** Module (URL) exporting `applyTransaction` for the workers to run instead of the EVM's (tests). */
  runnerModule?: string;
  /** Runs transactions on the main thread (its share of a parallel block, and the sequential path); default: the EVM's applyTransaction. */
  runner?: (state: StateReader, tx: Transaction, sender: bigint, env: BlockEnv) => TxResult;
  /**
   * The calling thread is one of the `threads` (default true): it runs the
   * Block-STM loop beside `threads - 1` workers, so `threads` is the number
   * of busy threads, and folds results between its tasks. With false it
   * only coordinates (`threads` workers), as with fault injection.
   */
  mainExecutes?: boolean;
  /**
   * Lazy value transfers (default true): a plain transfer to an account
   * without code leaves a credit instead of reading the recipient
   * (deltas.ts). False: every transfer reads its recipient (comparisons);
   * the environment's MULTILANE_LAZY_TRANSFERS=0 gives the same default.
   */
  lazyTransfers?: boolean;
  /**
   * How a parallel block runs: 'block-stm' — every thread runs Block-STM
   * over the multi-version memory; 'ordered' — the calling thread commits
   * in order on the sequential path while workers run ahead and leave
   * records it checks (ordered-lane.ts). Default (`defaultStrategy`):
   * ordered on two threads, Block-STM on more; the environment's
   * MULTILANE_STRATEGY (ordered or block-stm) overrides the default.
   */
  strategy?: ParallelStrategy;
  /** Ordered mode: transactions past the commit point left to the calling thread (default 2). */
  orderedGap?: number;
  /**
   * Ordered mode: a worker that claims a transaction fewer than this many
   * past the commit point skips the next one, leaving it to the calling
   * thread (default 12; see ordered-lane.ts, "Balance").
   */
  orderedLead?: number;
}

export type ParallelStrategy = 'ordered' | 'block-stm';

/**
 * The strategy when the options name none: MULTILANE_STRATEGY if set, else
 * the ordered mode on two threads and Block-STM on more. On two threads the
 * ordered mode measured ahead of or level with Block-STM on every workload
 * (same-process A/B, docs/parallel.md "Choosing the strategy"); its speedup
 * is bounded by its one committing thread, Block-STM's is not, so more
 * threads keep Block-STM.
 */
export function defaultStrategy(threads: number, env: string | undefined = process.env.MULTILANE_STRATEGY): ParallelStrategy {
  if (env === 'ordered' || env === 'block-stm') return env;
  if (env !== undefined && env !== '') throw new Error(`MULTILANE_STRATEGY must be 'ordered' or 'block-stm', got '${env}'`);
  return threads <= 2 ? 'ordered' : 'block-stm';
}

export interface ExecuteOptions {
  /** This block only: the strategy (see ParallelExecutorOptions.strategy). */
  strategy?: ParallelStrategy;
  /** senders[i] signed txs[i]; recovered on the workers when absent. */
  senders?: readonly bigint[];
  /** Run in parallel even when the block is small. */
  forceParallel?: boolean;
  /**
   * Record per-transaction times and dependencies (BlockProfile). The block
   * then runs on Block-STM whatever the strategy: the dependencies are its
   * read sets.
   */
  profile?: boolean;
  /** Tests: make a worker fail at a transaction. */
  fault?: FaultInjection;
  /**
   * Tests, the ordered mode: stop the workers at this transaction and run
   * the rest alone, as when they find nothing to take (ordered-commit.ts,
   * solo) — whatever the threads' timing does.
   */
  soloAt?: number;
}

export interface ParallelBlockResult extends BlockResult {
  stats: ParallelRunStats;
  profile?: BlockProfile;
}
