/**
 * How many cores this process can actually get right now: N worker threads
 * each run the same CPU-bound loop as one thread alone; the effective
 * parallelism is N × (time alone) ÷ (time of all N). On an idle machine
 * with N free cores it is ≈ N; on a machine loaded by other processes it
 * can be ≈ 1 however many threads run. Parallel measurements are only
 * meaningful next to this figure.
 */
import { Worker } from 'node:worker_threads';

// A dependent integer chain: no allocation, no memory traffic, not foldable by the JIT.
const LOOP = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => {
  let x = 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  parentPort.postMessage(x);
});`;

/** Iterations of the loop: ~70 ms on one core of this machine. */
const ITERATIONS = 1e8;

async function timeWorkers(workers: Worker[], n: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(workers.map((w) => new Promise((resolve) => {
    w.once('message', resolve);
    w.postMessage(n);
  })));
  return performance.now() - t0;
}

/** Effective parallelism of `threads` threads (mean of `rounds`, each against a fresh 1-thread time). */
export async function probeParallelism(threads: number, rounds = 2, iterations = ITERATIONS): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(LOOP, { eval: true }));
  try {
    await timeWorkers(workers, 1e6); // start-up and JIT
    let sum = 0;
    for (let r = 0; r < rounds; r++) {
      const alone = await timeWorkers(workers.slice(0, 1), iterations);
      const all = await timeWorkers(workers, iterations);
      sum += Math.min(threads, (threads * alone) / all);
    }
    return sum / rounds;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
