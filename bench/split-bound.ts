/**
 * The split bound: what two threads can give when the calling thread has to
 * take the other thread's results in as JavaScript objects — the case of
 * every design here, since a worker's objects cannot cross into the
 * calling thread's heap and the caller's state and the block's receipts
 * live there.
 *
 * The most favourable such design, measured: the block is cut in two; the
 * calling thread runs the first part on the sequential executor's own path
 * while one worker runs the second part, also on the sequential path, over
 * its own full copy of the pre-state (no shared table, no multi-version
 * memory, no per-transaction coordination), recording only which accounts
 * and slots it read. Then the calling thread checks those reads against
 * the first part's writes and takes the second part in: its receipts, its
 * combined changes (one entry per account, not per transaction) and its
 * coinbase fees. That import is the floor of the calling thread's cost per
 * worker transaction; the cut is placed so that both threads finish
 * together (from rates measured at an even cut).
 *
 * `node dist/bench/split-bound.js [workload...]` prints, per workload, the
 * sequential time, the balanced cut, each part's time, the import per
 * transaction, and the speedup (median of paired runs). The bound ignores
 * what a real executor must add (keeping a worker's copy of the state in
 * step, re-running what conflicts), so a real design stays below it.
 */
import { Worker } from 'node:worker_threads';
import { BlockFold, executeSequential, mergeChanges, type BlockResult } from '../src/exec/sequential.js';
import { applyTransaction } from '../src/exec/transaction.js';
import { paidChange } from '../src/exec/parallel/coinbase.js';
import { readChanges } from '../src/exec/parallel/ordered-codec.js';
import { OUTCOME_OK, readOutcome } from '../src/exec/parallel/results.js';
import { WordReader } from '../src/exec/parallel/tx-codec.js';
import type { AccountChange, StateChanges } from '../src/state/types.js';
import type { MemoryState } from '../src/state/memory-state.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';
import type { Workload, WorkloadOptions } from './workloads/types.js';
import { CUT, DONE, FAILED, GO, OVERFLOW, WORKER_US } from './split-bound-worker.js';

export interface SplitBoundResult {
  txs: number;
  /** Transactions the calling thread runs itself (the worker runs the rest). */
  cut: number;
  /** Medians, ms: the whole block sequentially; the calling thread's part; the worker's part; the import. */
  seqMs: number;
  mainMs: number;
  workerMs: number;
  importMs: number;
  /** Median of the paired ratios: sequential ÷ split (calling thread's own part + wait + import). */
  speedup: number;
  /** Import per worker transaction, µs. */
  importUs: number;
  /** The worker read something the first part wrote: its part is not what sequential execution gives. */
  conflict: boolean;
}

/** One split run's result and timings (exported for the test). */
export interface SplitRun {
  block: BlockResult;
  state: MemoryState;
  totalMs: number;
  mainMs: number;
  workerMs: number;
  importMs: number;
  conflict: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** A worker running the second part of workload `name`'s block, driven through shared words. */
export class SplitWorker {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(64));
  private readonly worker: Worker;
  private reader!: WordReader;
  private gen = 0;

  private constructor(name: string, options: WorkloadOptions) {
    // The young generation the executor's workers get (pool.ts): 64 MB semi-spaces.
    this.worker = new Worker(new URL('./split-bound-worker.js', import.meta.url), {
      workerData: { name, options, ctl: this.ctl.buffer },
      resourceLimits: { maxYoungGenerationSizeMb: 192 },
    });
  }

  static async start(name: string, options: WorkloadOptions): Promise<SplitWorker> {
    const w = new SplitWorker(name, options);
    const buffer = await new Promise<SharedArrayBuffer>((resolve, reject) => {
      w.worker.once('message', resolve);
      w.worker.once('error', reject);
    });
    w.reader = new WordReader(buffer);
    return w;
  }

  /**
   * Runs the block cut at `cut` over `state` (a fresh pre-state): the worker
   * takes [cut, n), this thread [0, cut), then imports the worker's part.
   */
  run(w: Workload, state: MemoryState, cut: number, pre: MemoryState): SplitRun {
    const ctl = this.ctl;
    ctl[CUT] = cut;
    Atomics.store(ctl, GO, ++this.gen);
    Atomics.notify(ctl, GO);
    const t0 = performance.now();
    const fold = new BlockFold();
    for (let i = 0; i < cut; i++) {
      const r = applyTransaction(state, w.txs[i], w.senders[i], w.env);
      state.apply(r.changes);
      fold.add(r);
    }
    const t1 = performance.now();
    while (Atomics.load(ctl, DONE) !== this.gen) if (Atomics.wait(ctl, DONE, this.gen - 1, 10_000) === 'timed-out') throw new Error('split worker stalled');
    if (ctl[OVERFLOW] !== 0) throw new Error('the block is too large for the split probe\'s output buffer');
    const t2 = performance.now();
    // A transaction of the worker's part was invalid over the pre-state: nothing to take in.
    const conflict = this.importPart(w, state, fold, pre) || ctl[FAILED] !== 0;
    const t3 = performance.now();
    return { block: fold.finish(), state, totalMs: t3 - t0, mainMs: t1 - t0, workerMs: ctl[WORKER_US] / 1000, importMs: t3 - t2, conflict };
  }

  /** Reads the worker's receipts, reads and changes; returns whether a read met a write of the first part. */
  private importPart(w: Workload, state: MemoryState, fold: BlockFold, pre: MemoryState): boolean {
    const r = this.reader;
    r.pos = 0;
    const fees: bigint[] = [];
    for (let n = r.int(); n > 0; n--) {
      const outcome = readOutcome(r);
      const fee = r.optU256();
      if (fee !== undefined) fees.push(fee);
      if (outcome.kind !== OUTCOME_OK) throw new Error('the split worker wrote a failed outcome');
      fold.addReceipt(outcome.result);
    }
    // Reads: an account conflicts if the first part changed more than its storage; a slot if it wrote it.
    const first = fold.changes;
    let conflict = false;
    for (let n = r.int(); n > 0; n--) {
      const address = r.address();
      const ch = first.get(address);
      if (ch !== undefined && !storageOnly(address, ch, pre)) conflict = true;
    }
    for (let n = r.int(); n > 0; n--) {
      const ch = first.get(r.address());
      for (let k = r.int(); k > 0; k--) if (ch !== undefined && ch.storage.has(r.u256())) conflict = true;
    }
    const second = readChanges(r);
    state.apply(second);
    mergeChanges(first, second);
    // The second part's deferred fees: one credit of their sum when all are positive (the same
    // as paying them one by one), else one by one (a zero fee deletes an empty coinbase, EIP-161).
    const coinbase = w.env.coinbase;
    const payments = fees.length > 0 && fees.every((f) => f > 0n) ? [fees.reduce((a, b) => a + b)] : fees;
    for (const fee of payments) {
      const ch = paidChange(state, coinbase, fee);
      if (ch === undefined) continue;
      const one: StateChanges = new Map([[coinbase, ch]]);
      state.apply(one);
      mergeChanges(first, one);
    }
    return conflict;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Whether the first part changed only `address`'s storage (nonce, balance and code as in the pre-state). */
function storageOnly(address: bigint, ch: AccountChange, pre: MemoryState): boolean {
  if (ch.deleted || ch.storageCleared || ch.code !== undefined) return false;
  const before = pre.getAccount(address);
  return before !== undefined && before.nonce === ch.nonce && before.balance === ch.balance;
}

/**
 * Measures the split bound of workload `name` on two threads: `rounds`
 * paired runs (sequential, then split) at an even cut to measure each
 * part's rate, then as many at the cut that balances them.
 */
export async function splitBound(name: string, options: WorkloadOptions = {}, rounds = 30): Promise<SplitBoundResult> {
  const w = makeWorkload(name, options);
  const worker = await SplitWorker.start(name, options);
  const pre = loadPreState(w);
  const n = w.txs.length;
  try {
    const measure = (cut: number) => {
      const seq: number[] = [];
      const runs: SplitRun[] = [];
      const ratios: number[] = [];
      for (let i = 0; i < rounds; i++) {
        let state = loadPreState(w);
        const t0 = performance.now();
        executeSequential(state, w.txs, w.senders, w.env);
        const s = performance.now() - t0;
        state = loadPreState(w);
        const run = worker.run(w, state, cut, pre);
        // The first third warms both threads up.
        if (i < rounds / 3) continue;
        seq.push(s);
        runs.push(run);
        ratios.push(s / run.totalMs);
      }
      return { seq, runs, ratios };
    };
    const even = measure(n >> 1);
    const perTx = (ms: number[], count: number) => median(ms) / Math.max(1, count);
    const own = perTx(even.runs.map((r) => r.mainMs), n >> 1);
    const other = perTx(even.runs.map((r) => r.workerMs), n - (n >> 1));
    const take = perTx(even.runs.map((r) => r.importMs), n - (n >> 1));
    // Both threads busy until the end: cut * own + (n - cut) * take = (n - cut) * other.
    const cut = Math.max(1, Math.min(n - 1, Math.round((n * (other - take)) / (own + other - take))));
    const m = measure(cut);
    const runs = m.runs;
    const importMs = median(runs.map((r) => r.importMs));
    return {
      txs: n,
      cut,
      seqMs: median(m.seq),
      mainMs: median(runs.map((r) => r.mainMs)),
      workerMs: median(runs.map((r) => r.workerMs)),
      importMs,
      speedup: median(m.ratios),
      importUs: (1000 * importMs) / (n - cut),
      conflict: runs.some((r) => r.conflict),
    };
  } finally {
    await worker.close();
  }
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : ['erc20', 'raw-transfers']) {
    const r = await splitBound(name);
    console.log(
      `${name}: ${r.txs} txs, sequential ${r.seqMs.toFixed(2)} ms; cut at ${r.cut}: calling thread ${r.mainMs.toFixed(2)} ms + import ${r.importMs.toFixed(2)} ms ` +
        `(${r.importUs.toFixed(2)} µs per worker tx), worker ${r.workerMs.toFixed(2)} ms; speedup ${r.speedup.toFixed(2)}x${r.conflict ? ' (reads met first-part writes: not a sequential result)' : ''}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(process.argv[1], 'file://').href) await main();
