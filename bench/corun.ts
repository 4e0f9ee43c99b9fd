/**
 * The co-run bound: what N threads could give on this machine, right now,
 * for this very block, with a perfect parallel executor.
 *
 * N threads each run the sequential executor over their own copy of the
 * block, all starting at the same instant; each is timed against the same
 * block run by one thread alone. A parallel executor on N threads does the
 * block's work split N ways (plus its own overhead), so it cannot beat
 * N × (time alone) ÷ (time of the slowest co-runner). On a machine with N
 * free, independent cores the bound is ≈ N (this VM, quiet: 1.64-1.90x on
 * two threads); below that, something else holds a core — another job, or
 * as once here a benchmark process of ours that outlived its run
 * (docs/benchmarks.md) — and no speedup of that hour means much.
 */
import { Worker } from 'node:worker_threads';
import { executeSequential } from '../src/exec/sequential.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';
import type { Workload, WorkloadOptions } from './workloads/types.js';

/** Control words shared with the co-runners. */
export const GO = 0;
export const READY = 1;
export const STOP = 2;

export interface CorunResult {
  threads: number;
  /** Median ms of the block on one thread alone. */
  aloneMs: number;
  /** Median ms of the slowest of the N threads running it at once. */
  togetherMs: number;
  /** threads × aloneMs ÷ togetherMs. */
  bound: number;
}

/** Untimed runs before timing (V8 must optimize the interpreter on every thread). */
const WARMUP = 12;

function runOnce(w: Workload): number {
  const state = loadPreState(w);
  const t0 = performance.now();
  executeSequential(state, w.txs, w.senders, w.env);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Measures the co-run bound of workload `name` (built with `options`, as the
 * benchmark builds it) on `threads` threads: `rounds` timed rounds, each one
 * block alone and one block on every thread at once.
 */
export async function corunBound(name: string, options: WorkloadOptions, threads: number, rounds = 15): Promise<CorunResult> {
  const w = makeWorkload(name, options);
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  const others = threads - 1;
  const workers = Array.from({ length: others }, () => new Worker(new URL('./corun-worker.js', import.meta.url), {
    workerData: { name, options, ctl, warmup: WARMUP },
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  }));
  const times: number[][] = workers.map(() => []);
  const failed = new Promise<never>((_, reject) => {
    for (const wk of workers) wk.on('error', reject);
  });
  workers.forEach((wk, i) => wk.on('message', (ms: number) => times[i].push(ms)));
  try {
    for (let r = 0; r < WARMUP; r++) runOnce(w);
    const alone: number[] = [];
    const together: number[] = [];
    for (let r = 0; r < rounds; r++) {
      alone.push(runOnce(w));
      // Every co-runner has its copy ready for this round (and has reported the last one).
      while (Atomics.load(ctl, READY) < others * (r + 1) || times.some((t) => t.length < r)) {
        await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 1))]);
      }
      const state = loadPreState(w);
      Atomics.store(ctl, GO, r + 1);
      Atomics.notify(ctl, GO);
      const t0 = performance.now();
      executeSequential(state, w.txs, w.senders, w.env);
      together.push(performance.now() - t0);
    }
    while (times.some((t) => t.length < rounds)) await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 1))]);
    // The slowest thread of each round bounds that round.
    const slowest = together.map((ms, r) => Math.max(ms, ...times.map((t) => t[r])));
    const aloneMs = median(alone);
    const togetherMs = median(slowest);
    return { threads, aloneMs, togetherMs, bound: (threads * aloneMs) / togetherMs };
  } finally {
    Atomics.store(ctl, STOP, 1);
    Atomics.store(ctl, GO, 1 << 30);
    Atomics.notify(ctl, GO);
    await Promise.all(workers.map((wk) => wk.terminate()));
  }
}
