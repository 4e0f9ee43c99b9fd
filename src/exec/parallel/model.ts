/**
 * A scaling model from one parallel run's profile (per-transaction execution
 * times and the lower transactions each final execution read from): what
 * the block could gain with more threads than this machine has.
 *
 * - `criticalPath`: the longest chain of dependent transactions (time);
 *   total work over it bounds the speedup of any number of threads.
 * - `simulate`: a replay with `threads` virtual threads that, like Block-STM
 *   with perfect dependency knowledge, always start the lowest-numbered
 *   transaction whose dependencies are done (no re-executions, no overhead):
 *   the speedup an ideal scheduler reaches with that many threads.
 */
import type { BlockProfile } from './executor.js';

export interface ScalingEstimate {
  /** Sum of the final executions' times (ms). */
  work: number;
  /** Longest dependency chain (ms). */
  criticalPath: number;
  /** work / criticalPath. */
  idealSpeedup: number;
  /** Virtual-thread count -> simulated speedup. */
  simulated: Record<number, number>;
}

export function criticalPath(p: BlockProfile): number {
  const finish = new Array<number>(p.execMs.length);
  let longest = 0;
  for (let j = 0; j < p.execMs.length; j++) {
    let start = 0;
    for (const d of p.deps[j]) if (finish[d] > start) start = finish[d];
    finish[j] = start + p.execMs[j];
    if (finish[j] > longest) longest = finish[j];
  }
  return longest;
}

/** Makespan (ms) of the block on `threads` ideal threads. */
export function simulate(p: BlockProfile, threads: number): number {
  const n = p.execMs.length;
  const finish = new Array<number>(n).fill(Infinity);
  const free = new Array<number>(threads).fill(0);
  // Transactions start in index order (the preset order), each as soon as a
  // thread is free and its dependencies have finished.
  for (let j = 0; j < n; j++) {
    let ready = 0;
    for (const d of p.deps[j]) if (finish[d] > ready) ready = finish[d];
    let best = 0;
    for (let t = 1; t < threads; t++) if (free[t] < free[best]) best = t;
    const start = Math.max(ready, free[best]);
    finish[j] = start + p.execMs[j];
    free[best] = finish[j];
  }
  return Math.max(0, ...free);
}

/**
 * The estimate for each thread count. Execution times above `clamp` times
 * the median are cut down to it: a garbage-collection pause or a first
 * compilation lands on one transaction but is not a property of it, and a
 * single such outlier would otherwise be the whole critical path.
 */
export function estimateScaling(profile: BlockProfile, threads: readonly number[] = [2, 4, 8, 16, 32], clamp = 10): ScalingEstimate {
  const sorted = [...profile.execMs].sort((a, b) => a - b);
  const cap = (sorted[sorted.length >> 1] ?? 0) * clamp;
  const p = { ...profile, execMs: profile.execMs.map((t) => (cap > 0 && t > cap ? cap : t)) };
  const work = p.execMs.reduce((a, b) => a + b, 0);
  const cp = criticalPath(p);
  const simulated: Record<number, number> = {};
  for (const t of threads) {
    const makespan = simulate(p, t);
    simulated[t] = makespan > 0 ? work / makespan : 1;
  }
  return { work, criticalPath: cp, idealSpeedup: cp > 0 ? work / cp : 1, simulated };
}
