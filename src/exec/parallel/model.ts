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
 *   the speedup an ideal scheduler reaches with that many threads. It can
 *   be no more than min(threads, work / critical path).
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

/**
 * Makespan (ms) of the block on `threads` ideal threads: list scheduling in
 * virtual time. Whenever a thread is free it starts the lowest-numbered
 * transaction not yet started whose dependencies have all finished; when
 * none is ready it idles until the first one is. (An earlier version gave
 * each transaction in index order to the thread free first and let that
 * thread wait for the transaction's dependencies even while later ones
 * were ready: a thread blocked behind a dependency, which no Block-STM
 * thread does. On the post-merge mainnet blocks it reported 1.47x for two
 * threads where this schedule reaches ~1.9x.)
 */
export function simulate(p: BlockProfile, threads: number): number {
  const n = p.execMs.length;
  // Infinity until the transaction has started (a dependency not started is not ready).
  const finish = new Float64Array(n).fill(Infinity);
  const free = new Float64Array(Math.max(1, threads));
  let first = 0;
  let makespan = 0;
  for (let started = 0; started < n; ) {
    let t = 0;
    for (let k = 1; k < free.length; k++) if (free[k] < free[t]) t = k;
    const now = free[t];
    let pick = -1;
    let nextReady = Infinity;
    for (let j = first; j < n; j++) {
      if (finish[j] !== Infinity) continue;
      let ready = 0;
      for (const d of p.deps[j]) if (finish[d] > ready) ready = finish[d];
      if (ready <= now) {
        pick = j;
        break;
      }
      if (ready < nextReady) nextReady = ready;
    }
    // Nothing ready: this thread idles until something is (the lowest transaction not started
    // has only started dependencies, so some ready time is finite).
    if (pick < 0) {
      free[t] = nextReady;
      continue;
    }
    finish[pick] = now + p.execMs[pick];
    free[t] = finish[pick];
    if (finish[pick] > makespan) makespan = finish[pick];
    started++;
    while (first < n && finish[first] !== Infinity) first++;
  }
  return makespan;
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
