/**
 * Our EVM through the parallel executor (Block-STM, src/exec/parallel) on
 * N threads: the calling thread and N - 1 workers. Two modes:
 * - `forced`: every block runs in parallel (`forceParallel`), whatever it
 *   costs: Block-STM itself;
 * - `adaptive`: the executor's defaults: it gives up early on a block that
 *   is one dependency chain and runs it sequentially, and its policy runs
 *   blocks in the mode that has measured faster (warm-up runs train it).
 *
 * Timed like the sequential engine (bench/engines/multilane.ts): senders
 * are recovered in a timed pass of their own and handed to the executor;
 * `ms` is `execute` alone, which commits the block to the MemoryState.
 * The executor's shared copy of the pre-state is built once per workload
 * and put back (`restorePreState`) before each run, untimed: each run
 * starts from the same pre-state, as a node's next block would find the
 * copy already built.
 */
import { defaultStrategy, ParallelExecutor, type ParallelRunStats, type ParallelStrategy } from '../../src/exec/parallel/executor.js';
import type { BenchReceipt, Workload } from '../workloads/types.js';
import { loadPreState, prepareRun, stateProbe } from './multilane.js';
import { startTimer, type Engine, type EngineResult, type EngineRunOptions } from './types.js';

export type ParallelMode = 'forced' | 'adaptive';

/** An engine result with the executor's counters for the block. */
export interface ParallelEngineResult extends EngineResult {
  stats: ParallelRunStats;
}

export class ParallelEngine implements Engine {
  readonly name: string;
  private executor: ParallelExecutor | undefined;
  /** The workload the executor's shared pre-state was built for, and its snapshot. */
  private workload: Workload | undefined;
  private txs = -1;
  private snapshot: unknown;

  constructor(
    readonly threads: number,
    readonly mode: ParallelMode,
    /** Undefined: the executor's default (defaultStrategy). */
    readonly strategy?: ParallelStrategy,
  ) {
    this.name = mode === 'forced' ? 'multilane-parallel' : 'multilane-adaptive';
  }

  describe(): string {
    const how = this.mode === 'forced' ? 'every block in parallel' : 'adaptive (contended blocks and slower ones run sequentially)';
    const kind = (this.strategy ?? defaultStrategy(this.threads)) === 'ordered' ? 'ordered mode' : 'Block-STM';
    return `multilane ${kind} on ${this.threads} threads (the calling thread + ${this.threads - 1} workers), ${how}`;
  }

  async run(w: Workload, options?: EngineRunOptions): Promise<ParallelEngineResult> {
    const { n, state, senders, recoverMs, txs } = prepareRun(w, options);
    const ex = await this.executorFor(w, n);
    if (this.snapshot === undefined) {
      ex.loadPreState(state);
      this.snapshot = ex.snapshotPreState();
    }
    const warm = options?.warmRun === true ? loadPreState(w) : undefined;
    ex.restorePreState(this.snapshot, warm ?? state);
    await options?.beforeTimed?.();
    if (warm !== undefined) {
      await ex.execute(warm, txs, w.env, { senders, forceParallel: this.mode === 'forced' });
      ex.restorePreState(this.snapshot, state);
    }
    const timer = startTimer();
    const block = await ex.execute(state, txs, w.env, { senders, forceParallel: this.mode === 'forced' });
    const { ms, cpuMs } = timer();
    const receipts: BenchReceipt[] = block.receipts;
    return { engine: this.name, txs: n, gasUsed: block.gasUsed, ms, cpuMs, recoverMs, receipts, probe: stateProbe(state), stats: block.stats };
  }

  /**
   * One executor per workload (and prefix length): a fresh pool, table and
   * adaptive policy, so one workload's history does not steer another's.
   */
  private async executorFor(w: Workload, n: number): Promise<ParallelExecutor> {
    if (this.executor !== undefined && this.workload === w && this.txs === n) return this.executor;
    await this.close();
    this.executor = await ParallelExecutor.create({ threads: this.threads, strategy: this.strategy });
    this.workload = w;
    this.txs = n;
    this.snapshot = undefined;
    return this.executor;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const ex = this.executor;
    this.executor = undefined;
    this.workload = undefined;
    await ex?.close();
  }
}
