/**
 * The worker of the split bound (split-bound.ts): builds the workload's
 * block and its own copy of the pre-state, then for each run runs the
 * transactions from the cut on, on the sequential executor's path with the
 * coinbase fee deferred (the calling thread pays it), recording what it
 * read, and writes its receipts, reads and combined changes as words.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mergeChanges } from '../src/exec/sequential.js';
import { applyTransaction } from '../src/exec/transaction.js';
import { NO_SLOTS, writeChanges } from '../src/exec/parallel/ordered-codec.js';
import { OUTCOME_OK, writeOutcome } from '../src/exec/parallel/results.js';
import { WordWriter } from '../src/exec/parallel/tx-codec.js';
import type { MemoryState } from '../src/state/memory-state.js';
import type { AccountState, StateChanges, StateReader } from '../src/state/types.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';
import type { WorkloadOptions } from './workloads/types.js';

/** Control words: run generation (set by the caller), the cut, the generation done, the worker's time in µs, overflow. */
export const GO = 0;
export const CUT = 1;
export const DONE = 2;
export const WORKER_US = 3;
export const OVERFLOW = 4;
/** Set when a transaction of the worker's part was invalid over its pre-state (a nonce chain across the cut). */
export const FAILED = 5;

/** Output words (16 MiB): far more than a 30M-gas block's receipts, reads and changes. */
const OUT_WORDS = 1 << 21;

/** The state seen through a log of every account and slot read. */
class ReadLog implements StateReader {
  readonly accounts = new Set<bigint>();
  readonly slots = new Map<bigint, Set<bigint>>();
  constructor(private readonly state: MemoryState) {}

  getAccount(address: bigint): AccountState | undefined {
    this.accounts.add(address);
    return this.state.getAccount(address);
  }

  getStorage(address: bigint, slot: bigint): bigint {
    let s = this.slots.get(address);
    if (s === undefined) this.slots.set(address, (s = new Set()));
    s.add(slot);
    return this.state.getStorage(address, slot);
  }

  hasStorage(address: bigint): boolean {
    this.accounts.add(address);
    return this.state.hasStorage(address);
  }
}

function serve(name: string, options: WorkloadOptions, ctl: Int32Array): void {
  const w = makeWorkload(name, options);
  const out = new WordWriter(OUT_WORDS);
  const buffer = out.w64.buffer;
  parentPort?.postMessage(buffer);
  const defer = { deferCoinbasePayment: true };
  let state = loadPreState(w);
  for (let gen = 1; ; gen++) {
    while (Atomics.load(ctl, GO) < gen) Atomics.wait(ctl, GO, gen - 1, 1000);
    const cut = ctl[CUT];
    const t0 = performance.now();
    const log = new ReadLog(state);
    const changes: StateChanges = new Map();
    out.pos = 0;
    out.int(w.txs.length - cut);
    ctl[FAILED] = 0;
    for (let i = cut; i < w.txs.length; i++) {
      let r;
      try {
        r = applyTransaction(log, w.txs[i], w.senders[i], w.env, defer);
      } catch {
        // Invalid over the pre-state: the part is not importable; an empty one is written.
        ctl[FAILED] = 1;
        out.pos = 0;
        out.int(0);
        changes.clear();
        log.accounts.clear();
        log.slots.clear();
        break;
      }
      state.apply(r.changes);
      mergeChanges(changes, r.changes);
      // The receipt as the parallel executor's workers write it, then the deferred fee.
      writeOutcome(out, { kind: OUTCOME_OK, result: r });
      out.optU256(r.coinbaseFee);
    }
    out.int(log.accounts.size);
    for (const a of log.accounts) out.address(a);
    out.int(log.slots.size);
    for (const [a, slots] of log.slots) {
      out.address(a);
      out.int(slots.size);
      for (const s of slots) out.u256(s);
    }
    // The changes as an ordered-mode record carries them (no table here: no slots).
    writeChanges(out, changes, NO_SLOTS);
    ctl[WORKER_US] = Math.round(1000 * (performance.now() - t0));
    // The writer grew into a buffer the caller does not have: the run cannot be read.
    if (out.w64.buffer !== buffer) ctl[OVERFLOW] = 1;
    Atomics.store(ctl, DONE, gen);
    Atomics.notify(ctl, DONE);
    // A fresh pre-state for the next run, outside the timed part.
    state = loadPreState(w);
  }
}

if (parentPort !== null && workerData !== null) {
  const { name, options, ctl } = workerData as { name: string; options: WorkloadOptions; ctl: SharedArrayBuffer };
  serve(name, options, new Int32Array(ctl));
}
