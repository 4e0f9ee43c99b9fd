/**
 * What the parallel executor reports about a block: counters and times
 * (`stats` on every result) and, on request, per-transaction figures for
 * the scaling model (`profile`).
 *
 * Internal module of the parallel executor (the types are re-exported by executor.ts).
 */
import type { SharedBuffers } from './buffers.js';
import type { WorkerStats } from './engine.js';
import type { OrderedStats } from './ordered-commit.js';
import { FEE_END, PRESTATE, type MVMemory } from './mv-memory.js';

export interface ParallelRunStats {
  mode: 'parallel' | 'sequential';
  /** How the parallel run went (absent for sequential runs). */
  strategy?: 'ordered' | 'block-stm';
  /** Ordered mode: transactions the calling thread ran itself, and worker records it committed. */
  direct?: number;
  accepted?: number;
  /** Ordered mode: of the accepted records, those that read a slot an earlier record of their worker wrote (forwarded). */
  forwarded?: number;
  /** Ordered mode: ms the calling thread waited for a worker's transaction. */
  mainWaitMs?: number;
  /** Ordered mode: where the workers were stopped and the calling thread ran the rest alone (absent: they took part to the end). */
  soloFrom?: number;
  /** Why the block ran sequentially. */
  reason?: string;
  threads: number;
  txs: number;
  executions: number;
  /** executions − txs. */
  reexecutions: number;
  validations: number;
  validationAborts: number;
  dependencyAborts: number;
  knownDependencyWaits: number;
  sleeps: number;
  /** The busiest worker's time in the block, and its waits (for encoding, idle). */
  workerBusyMs: number;
  workerWaitMs: number;
  /** Distinct locations in the multi-version memory. */
  locations: number;
  /** Time spent before the workers start (encoding, table upkeep), in the workers, and folding results. */
  prepareMs: number;
  parallelMs: number;
  foldMs: number;
  /** Of foldMs: building the block's StateChanges, and applying them to the caller's state. */
  changesMs: number;
  applyMs: number;
  totalMs: number;
}

/** Per-transaction figures for a scaling model (replay with virtual threads). */
export interface BlockProfile {
  /** ms of each transaction's final execution. */
  execMs: number[];
  /** ms of all its executions. */
  totalMs: number[];
  executions: number[];
  /** Lower transactions whose writes the final execution read. */
  deps: number[][];
}

/** The block's counters from each thread's. */
export function sumStats(ws: WorkerStats[], n: number, threads: number): ParallelRunStats {
  const s: ParallelRunStats = {
    mode: 'parallel', threads, txs: n, executions: 0, reexecutions: 0, validations: 0, validationAborts: 0, dependencyAborts: 0,
    knownDependencyWaits: 0, sleeps: 0, workerBusyMs: 0, workerWaitMs: 0, locations: 0, prepareMs: 0, parallelMs: 0, foldMs: 0, changesMs: 0, applyMs: 0, totalMs: 0,
  };
  for (const w of ws) {
    s.executions += w.executions;
    s.validations += w.validations;
    s.validationAborts += w.validationAborts;
    s.dependencyAborts += w.dependencyAborts;
    s.knownDependencyWaits += w.knownDependencyWaits;
    s.sleeps += w.sleeps;
    if (w.busyMs > s.workerBusyMs) {
      s.workerBusyMs = w.busyMs;
      s.workerWaitMs = w.waitMs;
    }
  }
  s.reexecutions = s.executions - n;
  return s;
}

/** An ordered-mode block's counters: the workers' runs, and what the calling thread did with their records. */
export function orderedRunStats(
  ws: WorkerStats[],
  o: OrderedStats,
  n: number,
  threads: number,
  failure: string | undefined,
): ParallelRunStats {
  const stats = sumStats(ws, n, threads);
  stats.strategy = 'ordered';
  stats.direct = o.direct + o.rejected;
  stats.accepted = o.accepted;
  stats.forwarded = o.forwarded;
  stats.mainWaitMs = o.waitMs;
  if (o.soloFrom >= 0) stats.soloFrom = o.soloFrom;
  stats.executions += o.direct + o.rejected;
  stats.reexecutions = stats.executions - n;
  stats.validations = o.accepted + o.rejected;
  stats.validationAborts = o.rejected;
  if (failure !== undefined) stats.reason = `the workers failed; the calling thread finished the block: ${failure}`;
  return stats;
}

/** Per-transaction times and dependencies of a profiled Block-STM run (from its shared buffers and read sets). */
export function blockProfile(buffers: SharedBuffers, mv: MVMemory, n: number): BlockProfile {
  const times = new Float64Array(buffers.txTimes);
  const counts = new Int32Array(buffers.txCounts);
  const p: BlockProfile = { execMs: [], totalMs: [], executions: [], deps: [] };
  for (let i = 0; i < n; i++) {
    p.execMs.push(times[2 * i]);
    p.totalMs.push(times[2 * i + 1]);
    p.executions.push(counts[2 * i]);
    const rs = mv.readSet(i);
    const deps = new Set<number>();
    for (let k = 0; k < rs.length; k += 3) if (rs[k] !== FEE_END && rs[k + 1] !== PRESTATE) deps.add(rs[k + 1]);
    p.deps.push([...deps].sort((a, c) => a - c));
  }
  return p;
}
