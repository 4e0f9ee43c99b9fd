/**
 * Garbage collection around timed spans, shared by the benchmark runner
 * (bench/run.ts), the scaling and sweep runs (bench/) and the mainnet
 * replay (src/replay/replay.ts).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** V8's `gc` extension: `{ type: 'minor' }` runs a scavenge only. */
type GcFunction = (options?: { type: 'minor' | 'major' }) => void;

let gcFn: GcFunction | undefined;

/**
 * Two young-generation collections right before each timed span (after the
 * engine's setup), so that the timed run does not copy the freshly loaded
 * pre-state out of the young generation (a node's state is long-lived) and
 * starts with an empty one: the first promotes what survives, the second
 * empties the survivor space. A full collection did the same but cost more
 * than it saved: it needs a ~50 ms pause for V8's concurrent sweeping
 * (whose CPU time otherwise lands in `cpu ms`), and the first block after
 * an idle pause ran 1.6x slower sequentially and 2.3x slower on two threads
 * on this VM; after a full collection V8 also drops optimized code whose
 * embedded maps died. Old-generation garbage is collected incrementally as
 * the run goes, as in a node. `--expose-gc` set at run time makes `gc`
 * visible to contexts created afterwards.
 */
export async function collectGarbage(): Promise<void> {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: GcFunction }).gc;
    if (g !== undefined) gcFn = g;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as GcFunction;
    }
  }
  gcFn({ type: 'minor' });
  gcFn({ type: 'minor' });
}
