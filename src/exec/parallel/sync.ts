/**
 * A futex-style mutex over one Int32 of shared memory (Drepper, "Futexes Are
 * Tricky", mutex 2): 0 free, 1 locked, 2 locked with waiters. Critical
 * sections here are a few loads and stores, so the fast path is one CAS.
 *
 * A worker that dies while holding a lock would leave the others waiting
 * forever; every wait therefore has a timeout and re-checks the block's
 * ABORT word, which the main thread sets when it sees a worker fail.
 *
 * Internal module of the parallel executor.
 */
import { BlockAborted } from './types.js';

/** Spins before sleeping: a holder is usually done within a few hundred ns. */
const SPINS = 64;
/** How long one sleep lasts before the ABORT word is checked again (ms). */
const SLEEP_MS = 20;

export function lock(a: Int32Array, i: number, ctl: Int32Array, abortAt: number): void {
  let c = Atomics.compareExchange(a, i, 0, 1);
  if (c === 0) return;
  for (let s = 0; s < SPINS; s++) {
    if (Atomics.load(a, i) === 0) {
      c = Atomics.compareExchange(a, i, 0, 1);
      if (c === 0) return;
    }
  }
  if (c !== 2) c = Atomics.exchange(a, i, 2);
  while (c !== 0) {
    Atomics.wait(a, i, 2, SLEEP_MS);
    const reason = Atomics.load(ctl, abortAt);
    if (reason !== 0) throw new BlockAborted(reason);
    c = Atomics.exchange(a, i, 2);
  }
}

export function unlock(a: Int32Array, i: number): void {
  if (Atomics.sub(a, i, 1) !== 1) {
    Atomics.store(a, i, 0);
    Atomics.notify(a, i, 1);
  }
}
