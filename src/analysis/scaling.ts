/**
 * How far a block could scale beyond the cores of the machine it was
 * measured on. Two figures, both from a `BlockProfile` (per-transaction
 * execution times and the dependencies each final execution read, recorded
 * by the parallel executor):
 *
 * - the ideal speedup: total work ÷ the critical path of the dependency DAG
 *   (node weight = a transaction's execution cost, edge j → i when j read a
 *   write of i). No scheduler beats it at any thread count
 *   (shared/guide/parallel-execution.md, "Honest measurement");
 * - a prediction at N threads: the block replayed through Block-STM's real
 *   scheduler with N virtual threads and virtual time (simulate.ts).
 *
 * Times are in ms, as the executor records them.
 */
import { checkInput, type ScalingInput } from './profile.js';
import { simulateBlockStm, type SimOptions, type SimResult } from './simulate.js';

export { checkInput, fromProfile, fromProfiles, prevSameSender, type ProfileOptions, type ScalingInput } from './profile.js';
export { simulateBlockStm, DEFAULT_SIM, type SimOptions, type SimResult } from './simulate.js';

export interface IdealSpeedup {
  /** Σ costs: the sequential time of the same executions. */
  workMs: number;
  /** The longest cost-weighted chain of dependencies. */
  criticalPathMs: number;
  /** workMs ÷ criticalPathMs: the bound at unlimited threads (1 for an empty block). */
  speedup: number;
  /** The transactions along one critical path, lowest first. */
  path: number[];
}

/**
 * Total work ÷ critical path of the dependency DAG. Transactions are in
 * block order and depend only on lower ones, so one pass in order computes
 * every transaction's earliest finish (its cost after its latest-finishing
 * dependency); the largest is the critical path.
 */
export function idealSpeedup(input: ScalingInput): IdealSpeedup {
  checkInput(input);
  const n = input.costMs.length;
  const finish = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  let workMs = 0;
  let end = -1;
  for (let j = 0; j < n; j++) {
    let start = 0;
    const consider = (i: number) => {
      if (finish[i] > start) {
        start = finish[i];
        via[j] = i;
      }
    };
    for (const i of input.deps[j]) consider(i);
    const k = input.knownDeps?.[j] ?? -1;
    if (k !== -1) consider(k);
    finish[j] = start + input.costMs[j];
    workMs += input.costMs[j];
    if (end === -1 || finish[j] > finish[end]) end = j;
  }
  const path: number[] = [];
  for (let j = end; j !== -1; j = via[j]) path.push(j);
  path.reverse();
  const criticalPathMs = end === -1 ? 0 : finish[end];
  return { workMs, criticalPathMs, speedup: criticalPathMs > 0 ? workMs / criticalPathMs : 1, path };
}

/**
 * The ideal speedup with `threads` threads: no schedule finishes before
 * the critical path nor before work ÷ threads, so the bound is
 * min(threads, work ÷ critical path).
 */
export function idealSpeedupAt(ideal: IdealSpeedup, threads: number): number {
  return Math.min(threads, ideal.speedup);
}

/** The thread counts a report predicts for. */
export const PREDICT_THREADS = [4, 8, 16, 32] as const;

/** One thread count's prediction. */
export interface Prediction {
  threads: number;
  /** Predicted block time: the simulated makespan plus `serialMs`. */
  ms: number;
  /** Over the sequential executor's measured time (`seqMs`), when given; else over Σ costs. */
  speedup: number;
  /** Σ costs ÷ makespan: the scheduling's own scaling, comparable with the ideal speedup. */
  scaling: number;
  sim: SimResult;
}

export interface PredictOptions extends SimOptions {
  /** Thread counts (default PREDICT_THREADS). */
  threads?: readonly number[];
  /** The sequential executor's time for the same block: speedups are then over it, like a measured one. */
  seqMs?: number;
  /**
   * Time the parallel executor spends outside its workers' scheduling loop
   * (encoding, folding receipts: main-thread work that does not scale);
   * added to every predicted makespan.
   */
  serialMs?: number;
}

export interface ScalingReport {
  ideal: IdealSpeedup;
  predictions: Prediction[];
}

/** The ideal speedup and a Block-STM prediction per thread count. */
export function predictScaling(input: ScalingInput, options: PredictOptions = {}): ScalingReport {
  const ideal = idealSpeedup(input);
  const serialMs = options.serialMs ?? 0;
  const predictions = (options.threads ?? PREDICT_THREADS).map((threads) => {
    const sim = simulateBlockStm(input, threads, options);
    const ms = sim.makespanMs + serialMs;
    const base = options.seqMs ?? sim.workMs;
    return { threads, ms, speedup: ms > 0 ? base / ms : 1, scaling: sim.speedup, sim };
  });
  return { ideal, predictions };
}
