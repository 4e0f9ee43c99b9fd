/**
 * What an engine is to the runner: something that executes a workload's
 * block from its pre-state and says how long execution took, apart from
 * sender recovery, with the receipts and a view of the state after.
 */
import type { BenchReceipt, StateProbe, Workload } from '../workloads/types.js';

export interface EngineRunOptions {
  /** Execute only the first `maxTxs` transactions (for slow engines on big blocks). */
  maxTxs?: number;
  /**
   * Called after the engine's setup (pre-state, sender recovery) and right
   * before its timed span: the runner collects garbage here, so that the
   * freshly loaded pre-state is not copied by the young-generation
   * collections of the timed run (a node's state is long-lived).
   */
  beforeTimed?: () => void | Promise<void>;
  /**
   * Right after `beforeTimed`, execute the block once untimed, from a
   * pre-state of its own, and time the run that follows it at once: the
   * timed block then runs as a node's next block does under load, on
   * threads that were just busy. After `beforeTimed`'s pause (an idle
   * machine) the first block ran ~1.6x slower sequentially and ~2.3x on two
   * threads here (docs/benchmarks.md).
   */
  warmRun?: boolean;
}

export interface EngineResult {
  engine: string;
  /** Transactions executed (the whole block unless capped by maxTxs). */
  txs: number;
  /** Gas used by the executed transactions. */
  gasUsed: bigint;
  /** Wall time of execution only, milliseconds. */
  ms: number;
  /**
   * CPU time of the process over the same span (user + system, all its
   * threads, GC helpers included). On a loaded machine wall time includes
   * waiting for a core; this does not.
   */
  cpuMs: number;
  /** Wall time of sender recovery (before execution), milliseconds. */
  recoverMs: number;
  receipts: BenchReceipt[];
  /** The state after the executed transactions. */
  probe: StateProbe;
}

export interface Engine {
  name: string;
  /** One line on what the engine is and how it is timed, for the report. */
  describe(): string;
  run(workload: Workload, options?: EngineRunOptions): Promise<EngineResult>;
}

/** How many of a workload's transactions a run executes. */
export function txCount(workload: Workload, options?: EngineRunOptions): number {
  const cap = options?.maxTxs;
  return cap === undefined ? workload.txs.length : Math.min(cap, workload.txs.length);
}

export interface Elapsed {
  ms: number;
  cpuMs: number;
}

/** Starts a stopwatch; calling the result reads wall and CPU time since. */
export function startTimer(): () => Elapsed {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const ms = performance.now() - wall;
    const d = process.cpuUsage(cpu);
    return { ms, cpuMs: (d.user + d.system) / 1000 };
  };
}
