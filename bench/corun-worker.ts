/**
 * A co-runner for the co-run bound (corun.ts): builds the same block, warms
 * up, then for each round prepares a fresh copy of the pre-state, waits for
 * the go word and runs the block sequentially, reporting its ms.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executeSequential } from '../src/exec/sequential.js';
import { GO, READY, STOP } from './corun.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';
import type { WorkloadOptions } from './workloads/types.js';

const { name, options, ctl, warmup } = workerData as { name: string; options: WorkloadOptions; ctl: Int32Array; warmup: number };
const port = parentPort;
if (port === null) throw new Error('corun-worker.ts must run as a worker thread');
const w = makeWorkload(name, options);
for (let r = 0; r < warmup; r++) executeSequential(loadPreState(w), w.txs, w.senders, w.env);
for (let r = 1; ; r++) {
  const state = loadPreState(w);
  Atomics.add(ctl, READY, 1);
  while (Atomics.load(ctl, GO) < r) Atomics.wait(ctl, GO, Atomics.load(ctl, GO), 50);
  if (Atomics.load(ctl, STOP) !== 0) break;
  const t0 = performance.now();
  executeSequential(state, w.txs, w.senders, w.env);
  port.postMessage(performance.now() - t0);
}
