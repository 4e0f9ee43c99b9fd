/**
 * Garbage collection around timed spans, shared by the benchmark runner
 * (bench/run.ts) and the scaling runs (bench/scaling.ts).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | undefined;

/**
 * A full garbage collection right before each timed span (after the
 * engine's setup), so that a run neither pays for collecting the previous
 * run's state nor copies its own freshly loaded pre-state out of the young
 * generation: without it erc20 alternated between ~35k and ~58k tx/s of CPU
 * time, and raw-transfers measured ~90k tx/s where a steady loop runs ~200k.
 * `--expose-gc` set at run time makes `gc` visible to contexts created afterwards.
 */
export async function collectGarbage(): Promise<void> {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g !== undefined) gcFn = g;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  // V8 sweeps concurrently after a full collection: let its helper threads
  // finish before the timed span, or their CPU time lands in `cpu ms`.
  await new Promise((resolve) => setTimeout(resolve, SWEEP_WAIT_MS));
}

/** What a full collection's concurrent sweeping of our heaps (~10-100 MB) needs at most, measured. */
const SWEEP_WAIT_MS = 50;
